import { Injectable } from '@nestjs/common';
import { defineJob, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { ClicksRepository } from './clicks.repository';
import { DAY_MS, utcDay } from '../common/time/days';

/** Once a day: moves the closed days' rollup rows out of the live tables (see `ReachDailyClosed`). */
export const REACH_FOLD_JOB = defineJob<{ day: string }>('reach.fold-closed-days', { attempts: 3, concurrency: 1 });

@Injectable()
export class ReachFold {
  constructor(private readonly clicks: ClicksRepository) {}

  /**
   * Folds the days before yesterday (UTC): today's and yesterday's rows stay live, as clicks for them still
   * arrive (a backlog in the click stream, a worker catching up). Returns how many link-days moved.
   */
  async run(now = Date.now()): Promise<number> {
    return this.clicks.foldDaysBefore(utcDay(now - DAY_MS));
  }
}

@Injectable()
@JobHandler(REACH_FOLD_JOB)
export class ReachFoldProcessor implements JobProcessor<{ day: string }> {
  constructor(private readonly fold: ReachFold) {}

  async process(): Promise<void> {
    await this.fold.run();
  }
}
