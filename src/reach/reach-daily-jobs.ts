import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { dailyJob, JobScheduler } from '../jobs/job-scheduler';
import { JobQueue } from '../jobs/job-queue.service';
import { RAW_CLICK_RETENTION_JOB } from './raw-click-retention';
import { REACH_FOLD_JOB } from './reach-fold';

/** The reach data's daily upkeep: the closed days' fold and the raw events' retention, each once a UTC day. */
@Injectable()
export class ReachDailyJobs extends JobScheduler {
  constructor(config: AppConfig, queue: JobQueue) {
    super(config, queue, [dailyJob(REACH_FOLD_JOB, 'reach-fold'), dailyJob(RAW_CLICK_RETENTION_JOB, 'raw-click-retention')]);
  }
}
