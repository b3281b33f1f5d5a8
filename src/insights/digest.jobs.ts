import { Injectable, OnApplicationBootstrap, OnModuleDestroy, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defineJob, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
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
export class DigestScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    this.timer = setInterval(() => void this.tick(), DIGEST_TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      await this.jobs.enqueue(DIGEST_TICK_JOB, {}, { jobId: `digest-${Math.floor(Date.now() / DIGEST_TICK_MS)}` });
    } catch (error) {
      this.logger.warn({ msg: 'could not queue the digest tick', error: (error as Error).message });
    }
  }
}
