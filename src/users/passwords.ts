import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** Staff passwords: at least this long (length beats composition rules). */
export const PASSWORD_MIN_LENGTH = 12;
/** Upper bound so nobody can make the server hash megabytes. */
export const PASSWORD_MAX_LENGTH = 256;

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane (about 30-60 ms here).
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password or a malformed hash; never throws for either. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check when there is no user to check against, so the answer's timing
 * does not tell whether an email is registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
  await verifyPassword(await dummyHash, password);
  return false;
}

/** A generated password: 120 random bits as 20 URL-safe characters, shown to the admin once. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** The one place the length rule lives, so the API, the CLI and password change agree. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}
