import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { chunks, dbTime, dialectOf, JsonRows, sqliteChunkSize, sqliteRows } from '../database/sql';
import { uuid7 } from '../database/uuid7';
import { AUDIT_EVENT_COLUMNS, AuditChain, NewAuditRow } from './audit-chain';
import { AuditEvent } from './audit-event.entity';

const EVENT_ROWS = new JsonRows(AUDIT_EVENT_COLUMNS);

export interface AuditFilter {
  from?: Date;
  to?: Date;
  actorType?: string;
  actorId?: string;
  /** An action, or a prefix ending in "." */
  action?: string;
  subjectType?: string;
  subjectId?: string;
  limit?: number;
  offset?: number;
}

export interface AuditEntry {
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: AuditEvent['details'];
}

/** Writes the append-only audit log. Pass the caller's transaction manager so the event commits with the change. */
@Injectable()
export class AuditService {
  /** Transactions whose rows are held back and written sealed at their end (`sealedAtEnd`). */
  private readonly heldBack = new WeakMap<EntityManager, NewAuditRow[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly chain: AuditChain,
  ) {}

  async record(actor: Actor, entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const row = newRow(actor, entry, new Date());
    const held = this.heldBack.get(manager);
    if (held) held.push(row);
    else await manager.insert(AuditEvent, row);
  }

  /**
   * Runs a batch transaction's work with its audit rows held back, then writes them sealed into the chain as
   * its last statement (`AuditChain.appendSealed`): `manager` is the transaction's. For batch writers only:
   * the chain's lock is held from there to the commit, so interactive writers keep writing unsealed rows.
   */
  async sealedAtEnd<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    const held: NewAuditRow[] = [];
    this.heldBack.set(manager, held);
    try {
      const result = await work();
      await this.chain.appendSealed(manager, held);
      return result;
    } finally {
      this.heldBack.delete(manager);
    }
  }

  /**
   * Many events in one statement per chunk, in the caller's transaction: an import can change the consent
   * of thousands of customers per batch, and one INSERT per event would be its slowest part. Same rows as
   * `record` (ids and counts only, never personal data); ids are time-ordered (UUIDv7).
   */
  async recordMany(actor: Actor, entries: AuditEntry[], manager: EntityManager = this.dataSource.manager, at = new Date()): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => newRow(actor, entry, at));
    const held = this.heldBack.get(manager);
    if (held) {
      for (const row of rows) held.push(row);
      return;
    }
    if (dialectOf(manager) === 'postgres') {
      await manager.query(
        `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details)
         SELECT * FROM ${EVENT_ROWS.table('$1', 't')}`,
        [EVENT_ROWS.json(rows)],
      );
      return;
    }
    const columns = 8;
    for (const chunk of chunks(rows, sqliteChunkSize(columns))) {
      await manager.query(
        `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details) VALUES ${sqliteRows(chunk.length, columns)}`,
        chunk.flatMap((r) => [r.id, dbTime('sqlite', r.createdAt), r.actorType, r.actorId, r.action, r.subjectType, r.subjectId, r.details ? JSON.stringify(r.details) : null]),
      );
    }
  }

  /** True when anything was ever recorded under this action (e.g. "the demo was seeded"). */
  hasAction(action: string): Promise<boolean> {
    return this.dataSource.getRepository(AuditEvent).existsBy({ action });
  }

  /** Newest first, for the audit page and API. */
  list(filter: AuditFilter): Promise<AuditEvent[]> {
    const query = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e').orderBy('e.createdAt', 'DESC').addOrderBy('e.id', 'DESC');
    if (filter.from) query.andWhere('e.createdAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.createdAt < :to', { to: filter.to });
    if (filter.actorType) query.andWhere('e.actorType = :actorType', { actorType: filter.actorType });
    if (filter.actorId) query.andWhere('e.actorId = :actorId', { actorId: filter.actorId });
    if (filter.action?.endsWith('.')) query.andWhere('e.action LIKE :prefix', { prefix: `${filter.action}%` });
    else if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.subjectType) query.andWhere('e.subjectType = :subjectType', { subjectType: filter.subjectType });
    if (filter.subjectId) query.andWhere('e.subjectId = :subjectId', { subjectId: filter.subjectId });
    return query.offset(filter.offset ?? 0).limit(Math.min(filter.limit ?? 100, 5000)).getMany();
  }
}

/** A time-ordered id and a millisecond time: events of the same second keep their order (SQLite's default is to the second). */
function newRow(actor: Actor, entry: AuditEntry, at: Date): NewAuditRow {
  return {
    id: uuid7(),
    createdAt: at,
    actorType: actor.type,
    actorId: actor.id,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    details: entry.details ?? null,
  };
}
