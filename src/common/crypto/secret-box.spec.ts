import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from './secret-box';

describe(SecretBox.name, () => {
  const key = randomBytes(32);
  const sut = new SecretBox(key);

  it('round-trips strings, unicode included', () => {
    for (const value of ['', 'access-token-123', 'ünïcødé ✓ 👍', 'x'.repeat(5000)]) {
      expect(sut.decrypt(sut.encrypt(value))).toBe(value);
    }
  });

  it('writes the versioned format v1:<iv>:<tag>:<ciphertext> in base64url, without the plaintext', () => {
    const sealed = sut.encrypt('secret-token');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('secret-token');
    expect(sealed).not.toContain(Buffer.from('secret-token').toString('base64url'));
  });

  it('uses a fresh IV for every value', () => {
    const a = sut.encrypt('same');
    const b = sut.encrypt('same');
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });

  it('refuses a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(sut.encrypt('token'))).toThrow(SecretBoxError);
  });

  it('refuses a value sealed for another context', () => {
    const sealed = sut.encrypt('token', 'x_connection.access_token');
    expect(sut.decrypt(sealed, 'x_connection.access_token')).toBe('token');
    expect(() => sut.decrypt(sealed, 'x_connection.refresh_token')).toThrow(SecretBoxError);
    expect(() => sut.decrypt(sealed)).toThrow(SecretBoxError);
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const [version, iv, tag, ciphertext] = sut.encrypt('a token worth stealing').split(':');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };
    for (const tampered of [
      [version, iv, tag, flip(ciphertext)],
      [version, iv, flip(tag), ciphertext],
      [version, flip(iv), tag, ciphertext],
      [version, iv, tag, ciphertext.slice(0, -2)],
    ]) {
      expect(() => sut.decrypt(tampered.join(':'))).toThrow(SecretBoxError);
    }
  });

  it('refuses malformed input and unknown versions', () => {
    const sealed = sut.encrypt('x');
    for (const bad of ['', 'plain', sealed.replace(/^v1/, 'v2'), sealed + ':extra', 'v1:!!:!!:!!', 'v1:::']) {
      expect(() => sut.decrypt(bad)).toThrow(SecretBoxError);
    }
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('32-byte');
  });
});
