import { defineJob } from '../jobs/job';
import { EmailMessage } from './email-message';

export type SendEmailData = EmailMessage;

/**
 * Sends one email. Five tries at 1, 2, 4 and 8 minutes ride out an SMTP server restart or a
 * greylisting 4xx (usually cleared within minutes); permanent rejections are not retried.
 */
export const SEND_EMAIL_JOB = defineJob<SendEmailData>('notifications.send-email', {
  attempts: 5,
  backoffMs: 60_000,
});
