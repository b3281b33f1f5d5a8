import { SecretBox, SecretBoxError } from '../common/crypto/secret-box';
import { InvalidEmailError } from './mail.errors';

/**
 * The parts of an email that are bearer secrets: links carrying a token (password reset, invitation,
 * preference and unsubscribe links). An email queued as job data waits in `job_outbox` (kept for days
 * after sending) and in Redis, so these travel sealed and are opened only when the email is sent.
 */
export interface EmailSecrets {
  /** Merged over the message's template context. */
  context?: Record<string, string | null>;
  /** Replaces the message's unsubscribeUrl. */
  unsubscribeUrl?: string;
}

/** AES-256-GCM under ENCRYPTION_KEY, bound to this use so no other sealed value can stand in. */
const SEAL_CONTEXT = 'email_message.sealed';

export function sealEmailSecrets(key: Buffer, secrets: EmailSecrets): string {
  return new SecretBox(key).encrypt(JSON.stringify(secrets), SEAL_CONTEXT);
}

/** Throws InvalidEmailError (not retried) when the value can't be opened: tampered with, or ENCRYPTION_KEY changed. */
export function openEmailSecrets(key: Buffer, sealed: string): EmailSecrets {
  try {
    const secrets = JSON.parse(new SecretBox(key).decrypt(sealed, SEAL_CONTEXT)) as EmailSecrets;
    if (typeof secrets !== 'object' || secrets === null) throw new SecretBoxError();
    return secrets;
  } catch (error) {
    if (error instanceof SecretBoxError || error instanceof SyntaxError) {
      throw new InvalidEmailError('Email secrets cannot be opened: sealed with another ENCRYPTION_KEY, or tampered with');
    }
    throw error;
  }
}
