import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Customer link tokens (invitation and preference links): 256 random bits, URL-safe, exactly 43
 * base64url characters. Only their SHA-256 is looked up; anything else gets the same "link not
 * valid" page.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True for a string that could be a token at all (saves a query for garbage). */
export function isTokenShaped(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

const SEAL_VERSION = 'v1';

/** AES-256-GCM: `v1.<iv>.<ciphertext+tag>` in base64url. The key is ENCRYPTION_KEY (32 bytes). */
export function sealToken(key: Buffer, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEAL_VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The token inside `sealed`, or null when it was sealed with another key or tampered with. */
export function unsealToken(key: Buffer, sealed: string): string | null {
  const [version, ivText, bodyText] = sealed.split('.');
  if (version !== SEAL_VERSION || !ivText || !bodyText) return null;
  try {
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Customers are deduplicated by trimmed, lower-cased email; suppression entries must use the same form. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The suppression-list key of an address: HMAC-SHA256(normalised email, HASH_KEY), hex. */
export function emailHash(hashKey: string, email: string): string {
  return createHmac('sha256', hashKey).update(normalizeEmail(email), 'utf8').digest('hex');
}

/** A keyed hash for rate-limit buckets (IP addresses are never stored raw). */
export function bucketHash(hashKey: string, kind: string, value: string): string {
  return `${kind}:${createHmac('sha256', hashKey).update(`${kind}\u0000${value}`, 'utf8').digest('base64url').slice(0, 32)}`;
}
