import { createHash, createHmac, randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from '../common/crypto/secret-box';

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

/** Sealed with SecretBox (AES-256-GCM, ENCRYPTION_KEY), bound to its purpose so it can't be swapped in elsewhere. */
const SEAL_CONTEXT = 'preference_token';

export function sealToken(key: Buffer, token: string): string {
  return new SecretBox(key).encrypt(token, SEAL_CONTEXT);
}

/** The token inside `sealed`, or null when it was sealed with another key or tampered with. */
export function unsealToken(key: Buffer, sealed: string): string | null {
  try {
    return new SecretBox(key).decrypt(sealed, SEAL_CONTEXT);
  } catch (error) {
    if (error instanceof SecretBoxError) return null;
    throw error;
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
