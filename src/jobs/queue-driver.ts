import { ResolvedJobOptions } from './job-defaults';
import { JobDefinition, JobProcessor } from './job';

/** A job kind with its discovered handler and its options after defaults. */
export interface RegisteredJob {
  readonly name: string;
  readonly definition: JobDefinition<unknown>;
  readonly options: ResolvedJobOptions;
  readonly handler: JobProcessor<unknown>;
}

/** How a job ended, for drivers that report it (see `DispatchItem.onSettled`). */
export type JobOutcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

export interface DispatchItem {
  data: unknown;
  jobId?: string;
  delayMs?: number;
  /**
   * Called once the job finally succeeded or failed. Only non-durable drivers call it (the outbox
   * relay needs it to keep a row pending until its in-memory job has really run); durable drivers ignore it.
   */
  onSettled?: (outcome: JobOutcome) => void;
}

export interface QueueDriver {
  /** True when an accepted job survives this process dying (Redis); false for in-memory queues. */
  readonly durable: boolean;
  readonly kind: 'bullmq' | 'in-process';
  enqueue(job: RegisteredJob, items: DispatchItem[]): Promise<void>;
  /** Starts consuming every registered job kind; called only in processes whose role runs workers. */
  startWorkers(jobs: RegisteredJob[]): Promise<void>;
  /** Stops taking jobs, lets running ones finish, releases connections and timers. */
  close(): Promise<void>;
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');
