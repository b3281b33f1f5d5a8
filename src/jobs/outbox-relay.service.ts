import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dbTime, dialectOf } from '../database/sql';
import { describeError } from './job-error.util';
import { JobRegistry } from './job-registry.service';
import { JOBS_MODULE_DEFAULTS, JOBS_MODULE_OPTIONS, JobsModuleOptions } from './jobs-options';
import { OutboxMessage } from './outbox-message.entity';
import { JobClaim, JobLifecycle, JobOutcome, QUEUE_DRIVER, QueueDriver, RegisteredJob } from './queue-driver';

/** Rows whose dispatch failed wait 1 s, 2 s, 4 s … up to 5 min before the next try (Redis may be down for a while). */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 5 * 60_000;
/** In-process jobs held in memory at once from the outbox; more rows wait in the table. */
const MAX_IN_FLIGHT = 2000;
/** Dispatched rows are history after this long and are deleted (failed ones are kept longer, for diagnosis). */
const KEEP_DISPATCHED_MS = 7 * 24 * 3600_000;
const KEEP_FAILED_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** An SQLite transaction is open on the shared connection: look again this soon. */
const SQLITE_BUSY_RETRY_MS = 25;
const MIN_UUID = '00000000-0000-0000-0000-000000000000';
/**
 * A worker running an outbox job holds it this long, renewed while it runs: a copy queued again meanwhile waits
 * instead of doing the work twice, and a worker that died lets go within this time.
 */
const RUN_LEASE_MS = 30_000;
const RUN_LEASE_RENEW_MS = 10_000;

/**
 * Moves committed outbox rows to the queue, in every process role.
 *
 * Durable queue (BullMQ): rows are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL (several
 * processes never take the same row), added with `jobId = row id` (a re-add after a crash between
 * add and update is a no-op in BullMQ), then marked dispatched in the same transaction. The row stays
 * until its job has ended (`completed_at`, written by the worker before BullMQ records the end): a Redis
 * that lost its data gets every dispatched-but-unfinished row again (`requeueDispatched`), and a copy
 * of a job that had already ended is skipped, and one whose job another worker is still running waits
 * for it (`claim`).
 *
 * In-process queue: a dispatched job lives only in memory, so its row stays pending until the
 * handler has succeeded (or used up its tries, recorded in attempts/last_error); ids in flight are
 * tracked here so a running job isn't dispatched again.
 */
@Injectable()
export class OutboxRelay implements JobLifecycle {
  private readonly logger = new Logger('Outbox');
  private readonly options: Required<JobsModuleOptions>;
  private started = false;
  private stopped = false;
  private pending = false;
  private pass?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private nextDelayMs?: number;
  private readonly inFlight = new Set<string>();
  /** Settled in-process jobs whose row update hasn't succeeded yet. */
  private readonly unrecorded = new Map<string, { row: OutboxMessage; outcome: JobOutcome }>();
  private recording?: Promise<void>;
  private lastPruneAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
    @Optional() @Inject(JOBS_MODULE_OPTIONS) options?: JobsModuleOptions,
  ) {
    this.options = { ...JOBS_MODULE_DEFAULTS, ...options };
  }

  start(): void {
    if (!this.driver.durable && !this.config.runsWorker) {
      // A producer-only process without Redis (the CLI): nothing here would run the jobs; the server's relay will.
      this.logger.debug({ msg: 'outbox relay off: in-process jobs and no worker role' });
      return;
    }
    this.started = true;
    if (this.options.outboxPollIntervalMs !== false || this.pending) this.kick();
  }

  /** Runs a relay round as soon as possible; rounds never overlap (a kick during one queues another). */
  kick(): void {
    if (this.stopped) return;
    if (!this.started || this.pass) {
      this.pending = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pass = this.loop().finally(() => {
      this.pass = undefined;
      this.scheduleNext();
    });
  }

  /** Stops dispatching and waits for the current round. Recording outcomes of running jobs goes on (see `flush`). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** After the driver has drained: records what the last in-process jobs did before the database closes. */
  async flush(): Promise<void> {
    await this.recordOutcomes();
    if (this.unrecorded.size > 0) {
      const count = this.unrecorded.size;
      this.logger.warn({ msg: 'outbox outcomes not recorded at shutdown; those jobs will run again', count });
    }
  }

  private async loop(): Promise<void> {
    do {
      this.pending = false;
      this.nextDelayMs = undefined;
      try {
        await this.recordOutcomes();
        const moved = await this.relayRound();
        if (moved >= this.options.outboxBatchSize) this.pending = true;
        else await this.pruneIfDue();
      } catch (error) {
        this.pending = false;
        this.logger.error({ msg: 'outbox relay round failed', error: describeError(error) });
      }
    } while (this.pending && !this.stopped);
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    if (this.pending) return this.kick();
    const poll = this.options.outboxPollIntervalMs;
    const delay = this.nextDelayMs ?? (poll === false ? undefined : poll);
    if (delay !== undefined) this.timer = setTimeout(() => this.kick(), delay);
  }

  /** Returns how many rows it took. */
  private async relayRound(): Promise<number> {
    if (this.sqliteTransactionOpen()) return 0;
    if (!this.driver.durable) return this.relayToMemory();
    if (this.dataSource.options.type !== 'postgres') return this.relayToQueue(this.dataSource.manager);
    return this.dataSource.transaction((manager) => this.relayToQueue(manager));
  }

  private async relayToQueue(manager: EntityManager): Promise<number> {
    const query = this.pendingRows(manager).limit(this.options.outboxBatchSize);
    // Rows another process is relaying are skipped, not waited for; SQLite has one process only.
    if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
    const rows = await query.getMany();
    for (const [jobName, group] of groupByJob(rows)) {
      try {
        const job = this.registry.find(jobName);
        if (!job) throw unknownJob(jobName);
        await this.driver.enqueue(job, group.map((row) => ({ data: row.payload, jobId: row.id })));
        const ids = group.map((row) => row.id);
        await manager.update(OutboxMessage, { id: In(ids) }, { dispatchedAt: new Date(), lastError: null });
        this.logger.debug({ msg: 'outbox rows dispatched', job: jobName, count: group.length });
      } catch (error) {
        await this.recordDispatchFailure(manager, jobName, group, error);
      }
    }
    return rows.length;
  }

  private async relayToMemory(): Promise<number> {
    const room = Math.min(this.options.outboxBatchSize, MAX_IN_FLIGHT - this.inFlight.size);
    if (room <= 0) return 0;
    // Running rows are still pending, so ask for enough ids to find `room` that aren't.
    const candidates = await this.pendingRows(this.dataSource.manager)
      .select('m.id', 'id')
      .limit(room + this.inFlight.size)
      .getRawMany<{ id: string }>();
    const ids = candidates.map(({ id }) => id).filter((id) => !this.inFlight.has(id)).slice(0, room);
    if (ids.length === 0) return 0;
    const rows = await this.dataSource.manager.find(OutboxMessage, { where: { id: In(ids) }, order: { availableAt: 'ASC' } });
    for (const [jobName, group] of groupByJob(rows)) {
      const job = this.registry.find(jobName);
      if (!job) {
        await this.recordDispatchFailure(this.dataSource.manager, jobName, group, unknownJob(jobName));
        continue;
      }
      for (const row of group) this.inFlight.add(row.id);
      try {
        await this.driver.enqueue(
          job,
          group.map((row) => ({
            data: row.payload,
            jobId: row.id,
            onSettled: (outcome: JobOutcome) => this.settled(row, outcome),
          })),
        );
      } catch (error) {
        for (const row of group) this.inFlight.delete(row.id);
        await this.recordDispatchFailure(this.dataSource.manager, jobName, group, error);
      }
    }
    return rows.length;
  }

  private settled(row: OutboxMessage, outcome: JobOutcome): void {
    this.unrecorded.set(row.id, { row, outcome });
    void this.recordOutcomes();
  }

  /** Writes settled in-process outcomes to their rows; a row leaves `inFlight` only once that write succeeded. */
  private recordOutcomes(): Promise<void> {
    this.recording ??= this.writeOutcomes().then((complete) => {
      this.recording = undefined;
      // Settled while the last write was finishing: write it too (not after a failure: no hot loop).
      if (complete && this.unrecorded.size > 0) void this.recordOutcomes();
    });
    return this.recording;
  }

  /** True when it wrote everything it found; false when the database said no (retried next round). */
  private async writeOutcomes(): Promise<boolean> {
    let recorded = 0;
    let complete = true;
    try {
      while (this.unrecorded.size > 0) {
        if (!(await this.waitForSqliteIdle())) {
          complete = false;
          break;
        }
        const [id, { row, outcome }] = this.unrecorded.entries().next().value!;
        await this.dataSource.manager.update(
          OutboxMessage,
          { id },
          outcome.ok
            ? { dispatchedAt: new Date(), completedAt: new Date(), lastError: null }
            : { dispatchedAt: new Date(), completedAt: new Date(), attempts: row.attempts + outcome.attempts, lastError: outcome.error },
        );
        this.unrecorded.delete(id);
        this.inFlight.delete(id);
        recorded++;
      }
    } catch (error) {
      complete = false;
      this.logger.error({ msg: 'recording outbox outcomes failed; will retry', error: describeError(error) });
    }
    // Room in flight again: take more rows now rather than at the next poll.
    if (recorded > 0 && this.started) this.kick();
    return complete;
  }

  /**
   * Takes the outbox row of a job about to run (only jobs whose id is a row id, a uuid, have one; others always
   * run): `run` while no other worker holds it, renewing the hold until `release`; `done` once it ran to its end.
   */
  async claim(_job: RegisteredJob, jobId: string): Promise<JobClaim> {
    const always = { state: 'run' as const, release: async () => undefined };
    if (!isUUID(jobId)) return always;
    await this.waitForSqliteIdle();
    if (await this.hold(jobId, true)) {
      const renew = setInterval(() => void this.hold(jobId, false).catch(() => undefined), RUN_LEASE_RENEW_MS);
      renew.unref();
      return {
        state: 'run',
        release: async () => {
          clearInterval(renew);
          await this.dataSource
            .getRepository(OutboxMessage)
            .update({ id: jobId }, { runningUntil: null })
            .catch(() => undefined); // the hold then simply runs out
        },
      };
    }
    const row = await this.dataSource.getRepository(OutboxMessage).findOne({ select: { id: true, completedAt: true }, where: { id: jobId } });
    if (!row) return always; // pruned long ago, or never an outbox row: as BullMQ has it
    return row.completedAt ? { state: 'done' } : { state: 'running' };
  }

  /** Holds an unfinished row for RUN_LEASE_MS more; `take`: only if nobody holds it now. */
  private async hold(jobId: string, take: boolean): Promise<boolean> {
    const now = new Date();
    const free = take ? ' AND (running_until IS NULL OR running_until < :now)' : '';
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ runningUntil: new Date(now.getTime() + RUN_LEASE_MS) })
      .where(`id = :id AND completed_at IS NULL${free}`, { id: jobId, now: dbTime(dialectOf(this.dataSource.manager), now) })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async finished(job: RegisteredJob, jobId: string, outcome: JobOutcome): Promise<void> {
    if (!isUUID(jobId)) return;
    const completedAt = new Date();
    try {
      await this.waitForSqliteIdle();
      await this.dataSource
        .getRepository(OutboxMessage)
        .update({ id: jobId, completedAt: IsNull() }, outcome.ok ? { completedAt } : { completedAt, lastError: outcome.error });
    } catch (error) {
      // The job stays done in Redis (kept a day), so a re-add after a reconnect is still a no-op.
      this.logger.warn({ msg: 'could not mark an outbox job finished', job: job.name, jobId, error: describeError(error) });
    }
  }

  /**
   * After the queue's store lost its data: queues every dispatched row whose job hasn't ended again,
   * under its own id (a job Redis still has is left alone). Runs in every process that notices; harmless.
   */
  async requeueDispatched(): Promise<number> {
    let total = 0;
    for (let after = MIN_UUID; ; ) {
      await this.waitForSqliteIdle();
      const rows = await this.dataSource
        .getRepository(OutboxMessage)
        .createQueryBuilder('m')
        .where('m.dispatchedAt IS NOT NULL')
        .andWhere('m.completedAt IS NULL')
        .andWhere('m.id > :after', { after })
        .orderBy('m.id', 'ASC')
        .limit(this.options.outboxBatchSize)
        .getMany();
      if (rows.length === 0) break;
      for (const [jobName, group] of groupByJob(rows)) {
        const job = this.registry.find(jobName);
        if (job) await this.driver.enqueue(job, group.map((row) => ({ data: row.payload, jobId: row.id })));
      }
      total += rows.length;
      after = rows[rows.length - 1].id;
    }
    if (total > 0) this.logger.warn({ msg: 'outbox jobs queued again after the queue lost its data', count: total });
    this.kick();
    return total;
  }

  /** False if an SQLite transaction stays open for seconds; the next relay round tries again. */
  private async waitForSqliteIdle(): Promise<boolean> {
    for (let waited = 0; this.sqliteTransactionOpen(); waited += SQLITE_BUSY_RETRY_MS) {
      if (waited >= 5000) return false;
      await new Promise((resolve) => setTimeout(resolve, SQLITE_BUSY_RETRY_MS));
    }
    return true;
  }

  private async recordDispatchFailure(
    manager: EntityManager,
    jobName: string,
    rows: OutboxMessage[],
    error: unknown,
  ): Promise<void> {
    const lastError = describeError(error);
    for (const row of rows) {
      const attempts = row.attempts + 1;
      const availableAt = new Date(Date.now() + Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS));
      await manager.update(OutboxMessage, { id: row.id }, { attempts, lastError, availableAt });
    }
    this.logger.warn({
      msg: 'outbox dispatch failed, will retry',
      job: jobName,
      count: rows.length,
      outboxIds: rows.slice(0, 20).map((row) => row.id),
      error: lastError,
    });
  }

  /** Keeps the outbox table small: it is a hand-over point, not a log (the audit log is the record). */
  async pruneIfDue(now = Date.now()): Promise<number> {
    if (now - this.lastPruneAt < PRUNE_EVERY_MS || this.sqliteTransactionOpen()) return 0;
    this.lastPruneAt = now;
    return this.prune(now);
  }

  /** Deletes dispatched rows whose job ended more than a week ago (failed: a month); the retention job calls it daily. */
  async prune(now = Date.now()): Promise<number> {
    const result = await this.dataSource
      .getRepository(OutboxMessage)
      .createQueryBuilder()
      .delete()
      .where('dispatched_at IS NOT NULL')
      .andWhere('((last_error IS NULL AND completed_at < :done) OR dispatched_at < :failed)', {
        done: new Date(now - KEEP_DISPATCHED_MS),
        failed: new Date(now - KEEP_FAILED_MS),
      })
      .execute();
    if (result.affected) this.logger.log({ msg: 'outbox rows pruned', count: result.affected });
    return result.affected ?? 0;
  }

  private pendingRows(manager: EntityManager) {
    return manager
      .getRepository(OutboxMessage)
      .createQueryBuilder('m')
      .where('m.dispatchedAt IS NULL')
      .andWhere('m.availableAt <= :now', { now: new Date() })
      .orderBy('m.availableAt', 'ASC');
  }

  /**
   * better-sqlite3 gives TypeORM one connection: while any caller's transaction is open, our
   * queries would run inside it (seeing, and being rolled back with, its uncommitted rows).
   */
  private sqliteTransactionOpen(): boolean {
    if (this.dataSource.options.type !== 'better-sqlite3') return false;
    if (!this.dataSource.createQueryRunner().isTransactionActive) return false;
    this.nextDelayMs = SQLITE_BUSY_RETRY_MS;
    return true;
  }
}

function unknownJob(jobName: string): Error {
  // Rows written by a build that had this job (or a typo'd table edit): kept and retried, never dropped.
  return new Error(`no @JobHandler for job "${jobName}" in this build`);
}

function groupByJob(rows: OutboxMessage[]): Map<string, OutboxMessage[]> {
  const groups = new Map<string, OutboxMessage[]>();
  for (const row of rows) {
    const group = groups.get(row.jobName);
    if (group) group.push(row);
    else groups.set(row.jobName, [row]);
  }
  return groups;
}
