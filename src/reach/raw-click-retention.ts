import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defineJob, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { SettingsService } from '../settings/settings.service';
import { ClicksRepository } from './clicks.repository';
import { DAY_MS, utcDay } from './visitor-salts.service';

/** Once a day: deletes raw click events older than the setting `rawClickRetentionDays`; the rollups stay. */
export const RAW_CLICK_RETENTION_JOB = defineJob<{ day: string }>('reach.raw-click-retention', { attempts: 3, concurrency: 1 });

const ASK_EVERY_MS = 60 * 60_000;

@Injectable()
export class RawClickRetention {
  constructor(
    private readonly clicks: ClicksRepository,
    private readonly settings: SettingsService,
  ) {}

  /** Deletes the raw events of UTC days older than the retention; returns how many were deleted. */
  async run(now = Date.now()): Promise<number> {
    const { rawClickRetentionDays } = await this.settings.get();
    return this.clicks.deleteRawBefore(utcDay(now - rawClickRetentionDays * DAY_MS));
  }
}

@Injectable()
@JobHandler(RAW_CLICK_RETENTION_JOB)
export class RawClickRetentionProcessor implements JobProcessor<{ day: string }> {
  constructor(private readonly retention: RawClickRetention) {}

  async process(): Promise<void> {
    await this.retention.run();
  }
}

/**
 * Processes that run workers ask for the day's run at start and every hour; the job id (the UTC day) makes it
 * one run a day however many processes ask.
 */
@Injectable()
export class RawClickRetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RawClickRetentionScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    void this.ask();
    this.timer = setInterval(() => void this.ask(), ASK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async ask(): Promise<void> {
    const day = utcDay(Date.now());
    try {
      await this.jobs.enqueue(RAW_CLICK_RETENTION_JOB, { day }, { jobId: `raw-click-retention-${day}` });
    } catch (error) {
      this.logger.warn({ msg: 'could not queue the raw click retention', error: (error as Error).message });
    }
  }
}
