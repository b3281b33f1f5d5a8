import { Module } from '@nestjs/common';
import { NotificationsCoreModule } from './notifications-core.module';
import { SendEmailProcessor } from './send-email.processor';

/**
 * Email for the app: MailService plus the send-email job processor. The processor needs nothing
 * from JobsModule to be constructed (JobsModule finds it by its @JobHandler), so this boots
 * without the database or a queue too.
 */
@Module({
  imports: [NotificationsCoreModule],
  providers: [SendEmailProcessor],
  exports: [NotificationsCoreModule],
})
export class NotificationsModule {}
