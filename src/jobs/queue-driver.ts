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

/**
 * Hooks a durable driver calls around each run, so the outbox can keep its row until the job has ended.
 * Not called by the in-process driver (it reports through `DispatchItem.onSettled`).
 */
export type JobClaim = { state: 'run'; release: () => Promise<void> } | { state: 'done' } | { state: 'running' };

export interface JobLifecycle {
  /**
   * Before a run: `run` (this worker holds the job until `released` or `finished`), `done` (a copy queued again
   * after Redis lost its data, of a job that already ran to its end: skipped) or `running` (such a copy while
   * another worker still runs the job: it waits, or it would do the work twice).
   */
  claim(job: RegisteredJob, jobId: string): Promise<JobClaim>;
  /** The job succeeded, or failed with no tries left; called before the queue records it. Never throws. */
  finished(job: RegisteredJob, jobId: string, outcome: JobOutcome): Promise<void>;
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
  /**
   * Erasure: removes the jobs of these kinds, waiting or kept after their end, whose data contains one of
   * `needles` (case-insensitive). A job running right now is left alone. Returns how many were removed.
   */
  removeContaining(jobs: RegisteredJob[], needles: string[]): Promise<number>;
  /** Set once, before workers start. */
  setLifecycle(lifecycle: JobLifecycle): void;
  /**
   * `listener` runs when the queue's store turns out to have lost its jobs (Redis restarted without
   * persistence, flushed, failed over to an empty replica), and once at start when it is empty. Register
   * before `watchForDataLoss()`. Never called for in-process queues (their jobs die with the process).
   */
  onDataLoss(listener: () => Promise<void>): void;
  /** Starts watching (at bootstrap, once every listener is registered). */
  watchForDataLoss(): void;
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');
