import { Injectable, Logger } from '@nestjs/common';
import { JobContext } from './job';
import { asError, describeError } from './job-error.util';
import { RegisteredJob } from './queue-driver';

/**
 * The one place a handler is called, whichever driver took the job. Logs carry ids only (job name,
 * job id, attempt): payloads may hold personal data.
 */
@Injectable()
export class JobExecutor {
  private readonly logger = new Logger('Jobs');

  async run(job: RegisteredJob, data: unknown, context: JobContext): Promise<void> {
    const fields = { job: job.name, jobId: context.jobId, attempt: context.attempt };
    const started = Date.now();
    try {
      await job.handler.process(data, context);
    } catch (caught) {
      const error = asError(caught);
      const final = context.attempt >= job.options.attempts;
      const log = { ...fields, msg: final ? 'job failed, no tries left' : 'job failed, will retry', error: describeError(error) };
      if (final) this.logger.error(log);
      else this.logger.warn(log);
      throw error;
    }
    this.logger.debug({ ...fields, msg: 'job done', ms: Date.now() - started });
  }
}
