import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EnqueueOptions, JobDefinition } from './job';
import { JobRegistry } from './job-registry.service';
import { DispatchItem, QUEUE_DRIVER, QueueDriver, RegisteredJob } from './queue-driver';

export interface EnqueueItem<T> {
  data: T;
  opts?: EnqueueOptions;
}

/**
 * Puts jobs on the queue right away (not tied to a database transaction: for that use OutboxService).
 * Redis when REDIS_URL is set, else this process's memory.
 */
@Injectable()
export class JobQueue {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
  ) {}

  /**
   * `listener` runs when Redis turns out to have lost the queued jobs (restarted without persistence,
   * flushed), so a module can queue its lost work again. Register in onModuleInit. Outbox jobs are
   * re-queued by the outbox itself.
   */
  onDataLoss(listener: () => Promise<void>): void {
    this.driver.onDataLoss(listener);
  }

  /** Erasure: removes queued and kept jobs of every kind whose data holds one of `needles` (see QueueDriver). */
  removeContaining(needles: string[]): Promise<number> {
    return this.driver.removeContaining(this.registry.all(), needles);
  }

  async enqueue<T>(job: JobDefinition<T>, data: T, opts?: EnqueueOptions): Promise<void> {
    await this.enqueueMany(job, [{ data, opts }]);
  }

  /** Many jobs of one kind in few round trips (fan-out). */
  async enqueueMany<T>(job: JobDefinition<T>, items: EnqueueItem<T>[]): Promise<void> {
    const registered = this.registry.require(job as JobDefinition<unknown>);
    if (!this.driver.durable && !this.config.runsWorker) {
      // Only the CLI gets here (api-only roles need Redis): its memory queue would die with it unrun.
      throw new Error(`job "${job.name}" cannot run in this producer-only process without Redis: add it through OutboxService`);
    }
    const dispatch = items.map(({ data, opts }) => toDispatchItem(registered, data, opts));
    if (dispatch.length > 0) await this.driver.enqueue(registered, dispatch);
  }
}

export function toDispatchItem(job: RegisteredJob, data: unknown, opts: EnqueueOptions = {}): DispatchItem {
  const { jobId, delayMs } = opts;
  // BullMQ's rules, checked for both drivers so code tested in-process doesn't break on Redis.
  if (jobId !== undefined && (!/^[^:]{1,200}$/.test(jobId) || String(parseInt(jobId, 10)) === jobId)) {
    throw new Error(`job "${job.name}": jobId must be 1-200 characters without ":" and not an integer`);
  }
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new Error(`job "${job.name}": delayMs must be a finite number >= 0`);
  }
  return { data, jobId, delayMs };
}
