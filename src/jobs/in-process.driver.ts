import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { retryDelayMs } from './job-defaults';
import { describeError } from './job-error.util';
import { JobExecutor } from './job-executor.service';
import { DispatchItem, JobLifecycle, JobOutcome, QueueDriver, RegisteredJob } from './queue-driver';

interface Entry {
  key: string;
  id: string;
  data: unknown;
  attempt: number;
  listeners: ((outcome: JobOutcome) => void)[];
}

interface Lane {
  job: RegisteredJob;
  ready: Entry[];
  running: number;
}

/** Ids of finished jobs remembered for dedupe, like the completed jobs BullMQ keeps (bounded the same way). */
const REMEMBERED_FINISHED = 10_000;

/**
 * Jobs in this process's memory, for the one-process default (no Redis). Same semantics as the
 * BullMQ driver: attempts, doubling backoff, per-kind concurrency, jobId dedupe, JSON-copied data.
 * Not durable: work that must survive a crash goes through the outbox, which keeps its row pending
 * until the handler here has succeeded.
 */
export class InProcessDriver implements QueueDriver {
  readonly durable = false;
  readonly kind = 'in-process';
  private readonly logger = new Logger('Jobs');
  private readonly lanes = new Map<string, Lane>();
  /** Queued, delayed, backing off or running, by job name + id. */
  private readonly active = new Map<string, Entry>();
  private readonly finished = new Map<string, JobOutcome>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private closing = false;

  constructor(private readonly executor: JobExecutor) {}

  async enqueue(job: RegisteredJob, items: DispatchItem[]): Promise<void> {
    if (this.closing) throw new Error(`cannot enqueue job "${job.name}": the job queue is shutting down`);
    const lane = this.lane(job);
    for (const item of items) {
      const id = item.jobId ?? randomUUID();
      const key = `${job.name}\u0000${id}`;
      const listeners = item.onSettled ? [item.onSettled] : [];
      const current = this.active.get(key);
      if (current) {
        current.listeners.push(...listeners);
        continue;
      }
      const outcome = this.finished.get(key);
      if (outcome) {
        // A duplicate of a finished job joins it, as BullMQ ignores an id it still keeps.
        for (const listener of listeners) queueMicrotask(() => listener(outcome));
        continue;
      }
      // JSON round trip: handlers see what they would see from Redis, and later caller mutations don't leak in.
      const entry: Entry = { key, id, data: JSON.parse(JSON.stringify(item.data ?? null)), attempt: 1, listeners };
      this.active.set(key, entry);
      this.schedule(lane, entry, item.delayMs ?? 0);
    }
  }

  /** Outbox rows of in-process jobs are settled through `onSettled` instead. */
  /** Memory only: jobs die with the process, and erasure deletes the outbox rows that would queue them again. */
  async removeContaining(_jobs: RegisteredJob[], _needles: string[]): Promise<number> {
    return 0;
  }

  setLifecycle(_lifecycle: JobLifecycle): void {}

  /** Nothing to lose: the jobs live and die with this process, and the outbox re-runs its rows after a restart. */
  onDataLoss(_listener: () => Promise<void>): void {}

  watchForDataLoss(): void {}

  async startWorkers(jobs: RegisteredJob[]): Promise<void> {
    for (const job of jobs) this.lane(job);
    this.started = true;
    for (const lane of this.lanes.values()) this.pump(lane);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    if (this.active.size > 0) {
      // Outbox jobs among them stay pending in the database and run after the restart.
      this.logger.warn({ msg: 'in-process jobs dropped at shutdown', count: this.active.size });
    }
    this.active.clear();
    for (const lane of this.lanes.values()) lane.ready.length = 0;
  }

  private lane(job: RegisteredJob): Lane {
    let lane = this.lanes.get(job.name);
    if (!lane) this.lanes.set(job.name, (lane = { job, ready: [], running: 0 }));
    return lane;
  }

  private schedule(lane: Lane, entry: Entry, delayMs: number): void {
    if (delayMs <= 0) {
      lane.ready.push(entry);
      this.pump(lane);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      lane.ready.push(entry);
      this.pump(lane);
    }, delayMs);
    this.timers.add(timer);
  }

  private pump(lane: Lane): void {
    if (!this.started || this.closing) return;
    while (lane.running < lane.job.options.concurrency && lane.ready.length > 0) this.run(lane, lane.ready.shift()!);
  }

  private run(lane: Lane, entry: Entry): void {
    const { job } = lane;
    lane.running++;
    const task = this.executor
      .run(job, entry.data, { jobId: entry.id, attempt: entry.attempt })
      .then(
        () => this.settle(entry, { ok: true, attempts: entry.attempt }),
        (error: unknown) => {
          if (this.closing) return; // abandoned, not failed: see close()
          if (entry.attempt < job.options.attempts) {
            entry.attempt++;
            this.schedule(lane, entry, retryDelayMs(job.options, entry.attempt - 1));
          } else {
            this.settle(entry, { ok: false, attempts: entry.attempt, error: describeError(error) });
          }
        },
      )
      .finally(() => {
        lane.running--;
        this.running.delete(task);
        this.pump(lane);
      });
    this.running.add(task);
  }

  private settle(entry: Entry, outcome: JobOutcome): void {
    this.active.delete(entry.key);
    this.finished.set(entry.key, outcome);
    if (this.finished.size > REMEMBERED_FINISHED) this.finished.delete(this.finished.keys().next().value!);
    for (const listener of entry.listeners) {
      try {
        listener(outcome);
      } catch (error) {
        this.logger.error({ msg: 'job settle listener failed', jobId: entry.id, error: describeError(error) });
      }
    }
  }
}
