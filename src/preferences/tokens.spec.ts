import { randomBytes } from 'node:crypto';
import { emailHash, hashToken, isTokenShaped, newToken, sealToken, unsealToken } from './tokens';

describe('customer link tokens', () => {
  it('are 256 random bits in 43 URL-safe characters, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(isTokenShaped(token)).toBe(true);
    expect(isTokenShaped('short')).toBe(false);
    expect(isTokenShaped(`${newToken().slice(0, 42)}!`)).toBe(false);
  });

  it('are stored as SHA-256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('seal and unseal with the key; another key or a changed byte gives null', () => {
    const key = randomBytes(32);
    const token = newToken();
    const sealed = sealToken(key, token);
    expect(sealed).not.toContain(token);
    expect(sealed.length).toBeLessThanOrEqual(128);
    expect(unsealToken(key, sealed)).toBe(token);
    expect(unsealToken(randomBytes(32), sealed)).toBeNull();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(unsealToken(key, tampered)).toBeNull();
    expect(unsealToken(key, 'garbage')).toBeNull();
  });

  it('hash emails for the suppression list after normalising them', () => {
    const key = 'k'.repeat(32);
    expect(emailHash(key, ' Ana@Example.COM ')).toBe(emailHash(key, 'ana@example.com'));
    expect(emailHash(key, 'ana@example.com')).not.toBe(emailHash('x'.repeat(32), 'ana@example.com'));
    expect(emailHash(key, 'ana@example.com')).toMatch(/^[0-9a-f]{64}$/);
  });
});
