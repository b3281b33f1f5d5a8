import { Logger } from '@nestjs/common';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { serializeError } from '../common/logging/safe-error';
import { bullmqJobOptions } from './job-defaults';
import { describeError } from './job-error.util';
import { JobExecutor } from './job-executor.service';
import { DispatchItem, JobClaim, JobLifecycle, QueueDriver, RegisteredJob } from './queue-driver';

export interface BullmqDriverOptions {
  redisUrl: string;
  /** Key prefix: several deployments (or test files) share one Redis without seeing each other's jobs. */
  prefix: string;
  /** An add that hasn't reached Redis by then fails, so a request or the outbox relay never hangs on a down Redis. */
  enqueueTimeoutMs: number;
}

/** addBulk in slices: one huge MULTI would block Redis for other clients. */
const BULK_SLICE = 500;
const ERROR_LOG_EVERY_MS = 30_000;
/** Besides every reconnect, how often the store is checked for lost data (a FLUSHALL keeps the connection). */
const DATA_LOSS_CHECK_MS = 60_000;
/** A copy of a job another worker is running looks again this much later. */
const RUNNING_ELSEWHERE_RETRY_MS = 2000;

/** One BullMQ queue (and, in worker processes, one Worker) per job kind. */
export class BullmqDriver implements QueueDriver {
  readonly durable = true;
  readonly kind = 'bullmq';
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  // Producer commands give up after a few retries (and enqueueTimeoutMs) so callers see Redis trouble;
  // worker connections must retry forever (BullMQ requires it).
  private readonly producer: Redis;
  private readonly consumer: Redis;
  private readonly errorLoggedAt = new Map<string, number>();
  private lifecycle?: JobLifecycle;
  private readonly lossListeners: (() => Promise<void>)[] = [];
  private lossTimer?: NodeJS.Timeout;
  private lossCheck?: Promise<void>;
  private closed = false;

  constructor(
    private readonly options: BullmqDriverOptions,
    private readonly executor: JobExecutor,
  ) {
    this.producer = this.connect({ maxRetriesPerRequest: 3 });
    this.consumer = this.connect({ maxRetriesPerRequest: null });
  }

  async enqueue(job: RegisteredJob, items: DispatchItem[]): Promise<void> {
    const queue = this.queue(job);
    for (let start = 0; start < items.length; start += BULK_SLICE) {
      const slice = items.slice(start, start + BULK_SLICE).map((item) => ({
        name: job.name,
        data: item.data ?? null,
        opts: { jobId: item.jobId, delay: item.delayMs },
      }));
      const timeoutMessage = `enqueueing job "${job.name}" timed out: is Redis reachable?`;
      await withTimeout(queue.addBulk(slice), this.options.enqueueTimeoutMs, timeoutMessage);
    }
  }

  async removeContaining(jobs: RegisteredJob[], needles: string[]): Promise<number> {
    const lowered = needles.filter((n) => n.length > 0).map((n) => n.toLowerCase());
    if (lowered.length === 0) return 0;
    let removed = 0;
    for (const registered of jobs) {
      const name = registered.name;
      const queue = this.queue(registered);
      const found = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children']);
      for (const job of found) {
        const text = JSON.stringify([job.data, job.returnvalue ?? null, job.failedReason ?? null]).toLowerCase();
        if (!lowered.some((needle) => text.includes(needle))) continue;
        try {
          await job.remove();
          removed++;
        } catch (error) {
          this.logger.warn({ msg: 'could not remove a job for erasure (running?)', job: name, jobId: job.id, error: describeError(error) });
        }
      }
    }
    return removed;
  }

  setLifecycle(lifecycle: JobLifecycle): void {
    this.lifecycle = lifecycle;
  }

  onDataLoss(listener: () => Promise<void>): void {
    this.lossListeners.push(listener);
  }

  /**
   * A marker key lives beside the queues: a Redis without persistence that restarts (or is flushed)
   * comes back without it, and without the jobs that were waiting. Checked on every (re)connect and
   * every minute; whoever finds it missing sets it again and runs the listeners, which queue the lost
   * work again (job ids make a job that is still there a no-op).
   */
  watchForDataLoss(): void {
    if (this.lossTimer || this.closed) return;
    this.producer.on('ready', () => void this.checkDataLoss());
    if (this.producer.status === 'ready') void this.checkDataLoss();
    this.lossTimer = setInterval(() => void this.checkDataLoss(), DATA_LOSS_CHECK_MS);
    this.lossTimer.unref();
  }

  private checkDataLoss(): Promise<void> {
    this.lossCheck ??= this.detectDataLoss().finally(() => (this.lossCheck = undefined));
    return this.lossCheck;
  }

  private async detectDataLoss(): Promise<void> {
    if (this.closed) return;
    const marker = `${this.options.prefix}:alive`;
    let lost: boolean;
    try {
      const results = await this.producer.multi().exists(marker).set(marker, new Date().toISOString()).exec();
      lost = results?.[0]?.[1] === 0;
    } catch (error) {
      this.logError('redis', error);
      return;
    }
    if (!lost) return;
    this.logger.warn({ msg: 'the queue store holds none of our jobs (new, restarted without persistence, or flushed): queueing pending work again' });
    for (const listener of this.lossListeners) {
      try {
        await listener();
      } catch (error) {
        // Not recovered: drop the marker so the next check tries again.
        this.logger.error({ msg: 'queueing lost work again failed; will retry', error: describeError(error) });
        await this.producer.del(marker).catch(() => undefined);
      }
    }
  }

  async startWorkers(jobs: RegisteredJob[]): Promise<void> {
    for (const job of jobs) {
      const worker = new Worker(
        job.name,
        (bull: Job, token?: string) => this.process(job, bull, token),
        { connection: this.consumer, prefix: this.options.prefix, concurrency: job.options.concurrency },
      );
      worker.on('error', (error) => this.logError(`worker ${job.name}`, error));
      this.workers.push(worker);
    }
    this.logger.log({ msg: 'job workers started', jobs: jobs.map((job) => job.name), prefix: this.options.prefix });
  }

  private async process(job: RegisteredJob, bull: Job, token?: string): Promise<void> {
    const jobId = bull.id!;
    const attempt = bull.attemptsMade + 1;
    const claim: JobClaim = this.lifecycle ? await this.lifecycle.claim(job, jobId) : { state: 'run', release: async () => undefined };
    if (claim.state === 'done') {
      this.logger.warn({ msg: 'job skipped: it already ran to its end', job: job.name, jobId });
      return;
    }
    if (claim.state === 'running') {
      // A copy queued again while the job still runs elsewhere: look again later, without using up a try.
      this.logger.warn({ msg: 'job deferred: another worker is running it', job: job.name, jobId });
      await bull.moveToDelayed(Date.now() + RUNNING_ELSEWHERE_RETRY_MS, token);
      throw new DelayedError();
    }
    try {
      await this.executor.run(job, bull.data, { jobId, attempt });
    } catch (error) {
      if (attempt >= job.options.attempts) await this.lifecycle?.finished(job, jobId, { ok: false, attempts: attempt, error: describeError(error) });
      await claim.release(); // after `finished`: a copy then finds the job done, not free to run
      throw storableError(error); // what BullMQ keeps in Redis carries no personal data
    }
    await this.lifecycle?.finished(job, jobId, { ok: true, attempts: attempt });
    await claim.release();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.lossTimer);
    // Workers first: close() waits for running jobs, which may still enqueue follow-up jobs. Without a
    // connection nothing can finish (and BullMQ's graceful close would wait forever): force it.
    const force = this.consumer.status !== 'ready';
    await Promise.allSettled(this.workers.map((worker) => worker.close(force)));
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.workers.length = 0;
    this.queues.clear();
    await Promise.all([closeRedis(this.producer), closeRedis(this.consumer)]);
  }

  private queue(job: RegisteredJob): Queue {
    let queue = this.queues.get(job.name);
    if (!queue) {
      queue = new Queue(job.name, {
        connection: this.producer,
        prefix: this.options.prefix,
        defaultJobOptions: bullmqJobOptions(job.options),
      });
      queue.on('error', (error) => this.logError(`queue ${job.name}`, error));
      this.queues.set(job.name, queue);
    }
    return queue;
  }

  private connect(options: { maxRetriesPerRequest: number | null }): Redis {
    // Not lazyConnect: a Queue or Worker on a lazy client whose first connect fails stays broken after
    // Redis comes back (BullMQ 6); on an eager client it waits for the reconnect.
    const client = new Redis(this.options.redisUrl, options);
    client.on('error', (error) => this.logError('redis', error));
    return client;
  }

  /** A down Redis errors on every reconnect; one line per source every 30 s is enough. */
  private logError(source: string, error: unknown): void {
    const now = Date.now();
    if (now - (this.errorLoggedAt.get(source) ?? 0) < ERROR_LOG_EVERY_MS) return;
    this.errorLoggedAt.set(source, now);
    this.logger.error({ msg: 'job queue connection error', source, error: describeError(error) });
  }
}

async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}

/**
 * BullMQ keeps every failed try's message and stack in Redis (for days, see KEEP_FAILED): they get the
 * safe form, as logs do, since a database error's message may quote the values of its statement.
 */
function storableError(error: unknown): Error {
  const safe = serializeError(error);
  return Object.assign(new Error(safe.message), { name: safe.type, stack: safe.stack ?? `${safe.type}: ${safe.message}` });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
