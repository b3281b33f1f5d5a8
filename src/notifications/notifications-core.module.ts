import { OutboxFolder } from './outbox-folder';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EmailRenderer } from './email-renderer';
import { createMailTransport, MAIL_TRANSPORT } from './mail-transport.factory';
import { MailService } from './mail.service';

/** MailService and its transport, without the queue processor: needs only ConfigModule (no database, no jobs). */
@Module({
  providers: [
    { provide: MAIL_TRANSPORT, inject: [AppConfig], useFactory: createMailTransport },
    { provide: EmailRenderer, useFactory: () => new EmailRenderer() },
    MailService,
    OutboxFolder,
  ],
  exports: [MailService, OutboxFolder],
})
export class NotificationsCoreModule {}
