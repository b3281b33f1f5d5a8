import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { utcDay } from '../common/time/days';
import { AppConfig } from '../config/app-config';
import { JobDefinition } from './job';
import { JobQueue } from './job-queue.service';

/** A job that worker processes ask for periodically. */
export interface PeriodicJob<T> {
  job: JobDefinition<T>;
  everyMs: number;
  /** Ask as the process starts too, not only after the first period. */
  atStart: boolean;
  /** The run `now` falls in: its data, and a job id naming the slot, which makes it one run however many processes ask. */
  slot(now: number): { data: T; jobId: string };
}

/** A UTC day's run of a job: asked for at start and every hour, one run a day (the day is in the job id). */
export function dailyJob(job: JobDefinition<{ day: string }>, idPrefix: string): PeriodicJob<{ day: string }> {
  return {
    job,
    everyMs: 60 * 60_000,
    atStart: true,
    slot: (now) => {
      const day = utcDay(now);
      return { data: { day }, jobId: `${idPrefix}-${day}` };
    },
  };
}

/**
 * Asks for periodic jobs from processes that run workers. A failed ask (Redis down) is logged and tried
 * again at the next period.
 */
export abstract class JobScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(this.constructor.name);
  private readonly timers: NodeJS.Timeout[] = [];

  protected constructor(
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
    private readonly schedule: PeriodicJob<unknown>[],
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    for (const periodic of this.schedule) {
      if (periodic.atStart) void this.ask(periodic);
      const timer = setInterval(() => void this.ask(periodic), periodic.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
  }

  private async ask<T>(periodic: PeriodicJob<T>): Promise<void> {
    const { data, jobId } = periodic.slot(Date.now());
    try {
      await this.queue.enqueue(periodic.job, data, { jobId });
    } catch (error) {
      this.logger.warn({ msg: `could not queue ${periodic.job.name}`, error: (error as Error).message });
    }
  }
}
