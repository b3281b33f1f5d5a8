import { Injectable } from '@nestjs/common';
import { defineJob, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { SettingsService } from '../settings/settings.service';
import { ClicksRepository } from './clicks.repository';
import { DAY_MS, utcDay } from '../common/time/days';

/** Once a day: deletes raw click events older than the setting `rawClickRetentionDays`; the rollups stay. */
export const RAW_CLICK_RETENTION_JOB = defineJob<{ day: string }>('reach.raw-click-retention', { attempts: 3, concurrency: 1 });

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
