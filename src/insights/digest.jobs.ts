import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defineJob, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { JobScheduler } from '../jobs/job-scheduler';
import { DigestService } from './digest.service';

export interface DigestTickData {
  at?: string;
}
/** Looks for digests due (Monday 08:00 somewhere); one per round across processes (the job id). */
export const DIGEST_TICK_JOB = defineJob<DigestTickData>('insights.digest-tick', { attempts: 3, backoffMs: 30_000, concurrency: 1 });
export const DIGEST_TICK_MS = 10 * 60_000;

@Injectable()
@JobHandler(DIGEST_TICK_JOB)
export class DigestTickProcessor implements JobProcessor<DigestTickData> {
  constructor(private readonly digests: DigestService) {}

  async process(data: DigestTickData): Promise<void> {
    await this.digests.sendDue(data.at ? new Date(data.at) : new Date());
  }
}

/** Every worker process asks for a tick every 10 minutes; the round in the job id makes it one. */
@Injectable()
export class DigestScheduler extends JobScheduler {
  constructor(config: AppConfig, queue: JobQueue) {
    super(config, queue, [
      { job: DIGEST_TICK_JOB, everyMs: DIGEST_TICK_MS, atStart: false, slot: (now) => ({ data: {}, jobId: `digest-${Math.floor(now / DIGEST_TICK_MS)}` }) },
    ]);
  }
}
