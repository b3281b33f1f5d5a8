import { Injectable, Logger } from '@nestjs/common';
import { JobContext, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { isPermanentMailError, smtpErrorFields } from './mail.errors';
import { MailService } from './mail.service';
import { SEND_EMAIL_JOB, SendEmailData } from './send-email.job';

@Injectable()
@JobHandler(SEND_EMAIL_JOB)
export class SendEmailProcessor implements JobProcessor<SendEmailData> {
  private readonly logger = new Logger(SendEmailProcessor.name);

  constructor(private readonly mail: MailService) {}

  async process(data: SendEmailData, context: JobContext): Promise<void> {
    try {
      await this.mail.send(data);
    } catch (error) {
      // Throwing makes the queue retry: right for connection errors and 4xx replies. A 5xx reply
      // (unknown mailbox, policy rejection) or an invalid message fails the same way every time,
      // and retries would only hammer the server and hurt sender reputation, so the job ends here
      // with an error log (ids and SMTP code only, no address) instead.
      if (!isPermanentMailError(error)) throw error;
      const { command, responseCode } = smtpErrorFields(error);
      this.logger.error(
        `Email job ${context.jobId} (template ${data.template}) permanently refused, not retried: ` +
          (responseCode ? `SMTP ${responseCode} after ${command ?? 'a command'}` : (error as Error).message),
      );
    }
  }
}
