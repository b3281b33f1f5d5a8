import type { DefaultJobOptions } from 'bullmq';
import { JobDefinition, JobOptions } from './job';

/** Every queue default lives here, so the BullMQ and in-process drivers cannot drift apart. */
export const JOB_DEFAULTS: Required<JobOptions> = { attempts: 5, backoffMs: 1000, concurrency: 10 };

/**
 * Finished jobs kept in Redis. A kept job also keeps its jobId taken, so re-adding the same id (the
 * outbox relay after a crash, a retried request) is a no-op for at least this long.
 */
export const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };
export const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 };

export type ResolvedJobOptions = Required<JobOptions>;

export function resolveJobOptions(job: JobDefinition<unknown>): ResolvedJobOptions {
  const options = { ...JOB_DEFAULTS, ...stripUndefined(job.options) };
  const invalid = (what: string) => new Error(`job "${job.name}": ${what}`);
  if (!Number.isInteger(options.attempts) || options.attempts < 1) throw invalid('attempts must be an integer >= 1');
  if (!(options.backoffMs >= 0)) throw invalid('backoffMs must be >= 0');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw invalid('concurrency must be an integer >= 1');
  return options;
}

/** Delay before try number `attempt + 1` after try `attempt` failed: backoffMs, then doubling (BullMQ's "exponential"). */
export function retryDelayMs(options: ResolvedJobOptions, failedAttempt: number): number {
  return options.backoffMs * 2 ** (failedAttempt - 1);
}

export function bullmqJobOptions(options: ResolvedJobOptions): DefaultJobOptions {
  return {
    attempts: options.attempts,
    backoff: { type: 'exponential', delay: options.backoffMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
