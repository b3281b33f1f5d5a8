import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Thrown when a sealed value is malformed, was tampered with, or was sealed with another key or context. */
export class SecretBoxError extends Error {
  constructor(message = 'sealed value cannot be opened: malformed, tampered with, or sealed with another key') {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12; // 96 bits: the size GCM is specified for
const TAG_BYTES = 16;

/**
 * Authenticated encryption of short secrets (OAuth tokens, PKCE verifiers) at rest: AES-256-GCM with a
 * random 96-bit IV per value. Sealed form: `v1:<iv>:<tag>:<ciphertext>`, each part base64url; the
 * version prefix leaves room for a later key or algorithm change.
 *
 * `context` (optional) is bound as additional authenticated data: a value sealed for one row/field
 * does not open for another (pass e.g. `x_connection.access_token`), so ciphertexts can't be swapped.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key (AES-256)');
    this.key = Buffer.from(key);
  }

  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${VERSION}|${context}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':');
  }

  decrypt(sealed: string, context = ''): string {
    const parts = typeof sealed === 'string' ? sealed.split(':') : [];
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('sealed value has an unknown format or version');
    const [, ivText, tagText, ciphertextText] = parts;
    const iv = decode(ivText);
    const tag = decode(tagText);
    const ciphertext = decode(ciphertextText);
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('sealed value has a malformed IV or tag');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${VERSION}|${context}`, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError();
    }
  }
}

function decode(part: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new SecretBoxError('sealed value is not base64url');
  return Buffer.from(part, 'base64url');
}
