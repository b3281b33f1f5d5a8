export type { EmailKind, EmailMessage } from './email-message';
export { openEmailSecrets, sealEmailSecrets } from './email-secrets';
export type { EmailSecrets } from './email-secrets';
export { InvalidEmailError, isPermanentMailError, MailDeliveryError } from './mail.errors';
export { isSendableAddress, MailService } from './mail.service';
export { NotificationsCoreModule } from './notifications-core.module';
export { NotificationsModule } from './notifications.module';
export { SEND_EMAIL_JOB } from './send-email.job';
export type { SendEmailData } from './send-email.job';
