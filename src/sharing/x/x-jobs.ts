import { defineJob } from '../../jobs';

/**
 * Posts one queued x_post. Transient failures (5xx, dropped connections) throw and are retried with
 * doubling backoff (2 s, 4 s, … five retries); a 429 is not thrown: the job re-adds itself through the
 * outbox with a delay until X's `x-rate-limit-reset` (durable in both queue drivers), then ends.
 */
export const POST_TO_X_JOB = defineJob<{ postId: string }>('sharing.x.post', { attempts: 6, backoffMs: 2000, concurrency: 5 });

/** Deletes a share's X post after the recommendation was withdrawn (or cancels it if not posted yet). */
export const DELETE_X_POST_JOB = defineJob<{ shareId: string }>('sharing.x.delete', { attempts: 8, backoffMs: 5000, concurrency: 5 });

/**
 * Reads due post metrics (XMetricsService.run). Asked for every 10 minutes by each worker process with the
 * slot as job id, so one run per slot; after a 429 it is queued again for X's reset time.
 */
export const X_METRICS_JOB = defineJob<{ slot: string }>('sharing.x.metrics', { attempts: 3, backoffMs: 60_000, concurrency: 1 });
