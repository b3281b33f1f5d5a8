import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { returnedRows } from '../database/sql';
import { JobDefinition } from './job';
import { JobRegistry } from './job-registry.service';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRelay } from './outbox-relay.service';

export interface OutboxOptions {
  /** The job is not handed to the queue before this much time has passed. */
  delayMs?: number;
}

/**
 * Jobs that must happen if, and only if, a database change commits: written in the caller's
 * transaction, queued by the relay after the commit (at least once; the row id is the job id).
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly registry: JobRegistry,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Adds a job through `manager`, the caller's transactional EntityManager. Returns the outbox row
   * id, which is also the job's id. Call `kick()` after the commit to skip the wait for the next poll.
   */
  async add<T>(manager: EntityManager, job: JobDefinition<T>, data: T, opts: OutboxOptions = {}): Promise<string> {
    this.registry.require(job as JobDefinition<unknown>);
    const delayMs = opts.delayMs ?? 0;
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new Error(`job "${job.name}": delayMs must be a finite number >= 0`);
    // payload is NOT NULL, and JSON null would reach the handler as something else on some drivers.
    if (data === undefined || data === null) throw new Error(`job "${job.name}": outbox job data must not be null or undefined`);
    const id = randomUUID();
    await manager.insert(OutboxMessage, {
      id,
      jobName: job.name,
      payload: data,
      availableAt: new Date(Date.now() + delayMs),
      dispatchedAt: null,
      attempts: 0,
      lastError: null,
    });
    return id;
  }

  /**
   * Erasure: deletes the rows, pending or dispatched, whose job data holds one of `needles`
   * (case-insensitive), so an email to an erased customer is never sent and its data isn't kept.
   */
  async removeContaining(manager: EntityManager, needles: string[]): Promise<number> {
    const postgres = manager.connection.options.type === 'postgres';
    let removed = 0;
    for (const needle of needles.filter((n) => n.length > 0)) {
      const where = postgres ? 'strpos(lower(payload::text), lower($1)) > 0' : 'instr(lower(payload), lower(?)) > 0';
      const result: unknown = await manager.query(`DELETE FROM job_outbox WHERE ${where} RETURNING id`, [needle]);
      removed += returnedRows(result).length;
    }
    return removed;
  }

  /** Retention: deletes dispatched rows whose job ended long enough ago. */
  prune(now = Date.now()): Promise<number> {
    return this.relay.prune(now);
  }

  /** Asks the relay to look for pending rows now (after a commit), instead of at its next poll. */
  kick(): void {
    this.relay.kick();
  }
}
