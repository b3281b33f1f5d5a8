import { defineJob } from '../../jobs';

/**
 * Posts one queued x_post. Transient failures (5xx, dropped connections) throw and are retried with
 * doubling backoff (2 s, 4 s, … five retries); a 429 is not thrown: the job re-adds itself through the
 * outbox with a delay until X's `x-rate-limit-reset` (durable in both queue drivers), then ends.
 */
export const POST_TO_X_JOB = defineJob<{ postId: string }>('sharing.x.post', { attempts: 6, backoffMs: 2000, concurrency: 5 });

/** Deletes a share's X post after the recommendation was withdrawn (or cancels it if not posted yet). */
export const DELETE_X_POST_JOB = defineJob<{ shareId: string }>('sharing.x.delete', { attempts: 8, backoffMs: 5000, concurrency: 5 });
