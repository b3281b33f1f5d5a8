/**
 * A message that can never be sent as asked (bad address, unknown template, marketing without an
 * unsubscribe link): a caller's bug, so retrying it is pointless.
 */
export class InvalidEmailError extends Error {
  override readonly name = 'InvalidEmailError';
}

/** SMTP fields nodemailer attaches to the errors it throws. */
export interface SmtpErrorFields {
  code?: string;
  command?: string;
  responseCode?: number;
  /** nodemailer >= 10.2: true for a 5xx reply other than 503 (RFC 5321 permanent negative completion). */
  permanent?: boolean;
}

const ADDRESS = /[^\s<>()[\]\\,;:"']+@[^\s<>()[\]\\,;:"']+/g;

/**
 * A failed delivery, safe to log and to store as a job's last error: servers often echo the
 * recipient in their reply ("550 5.1.1 <ana@example.com>: unknown user"), so addresses are
 * masked and nodemailer's recipient lists are not carried over (logs carry ids, not personal data).
 */
export class MailDeliveryError extends Error implements SmtpErrorFields {
  override readonly name = 'MailDeliveryError';
  readonly code?: string;
  readonly command?: string;
  readonly responseCode?: number;
  readonly permanent?: boolean;

  constructor(error: unknown) {
    const fields = smtpErrorFields(error);
    super(String(error instanceof Error ? error.message : error).replace(ADDRESS, '[address]'));
    this.code = fields.code;
    this.command = fields.command;
    this.responseCode = fields.responseCode;
    this.permanent = fields.permanent;
  }
}

export function smtpErrorFields(error: unknown): SmtpErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const { code, command, responseCode, permanent } = error as SmtpErrorFields;
  return { code, command, responseCode, permanent };
}

/** True when sending the same message again would fail the same way. */
export function isPermanentMailError(error: unknown): boolean {
  return error instanceof InvalidEmailError || smtpErrorFields(error).permanent === true;
}
