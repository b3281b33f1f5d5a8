export type EmailKind = 'transactional' | 'marketing';

/** What a module asks MailService to send; plain JSON, so it can also travel as job data. */
export interface EmailMessage {
  /** One bare address (`ana@example.com`); lists and display names are refused. */
  to: string;
  /** Name under templates/emails/: `test` renders `test.html.hbs` and `test.txt.hbs`. */
  template: string;
  subject: string;
  /** Template variables. brandName, brandPostalAddress and publicUrl are always set by the service and win. */
  context: object;
  /** Marketing email (invitations, reminders) must carry an unsubscribe link: CAN-SPAM and RFC 8058. */
  kind: EmailKind;
  /** Absolute http(s) URL: required for marketing; shown in the footer and sent as List-Unsubscribe. */
  unsubscribeUrl?: string;
  /**
   * Links carrying tokens, sealed with `sealEmailSecrets` so that job data (outbox rows, Redis) never
   * holds them in the clear; opened at send time into `context` and `unsubscribeUrl`.
   */
  sealed?: string;
  /** Extra headers (e.g. X-Campaign-Id). Headers the service sets itself are refused. */
  headers?: Record<string, string>;
}
