import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { chunks, dbTime, dialectOf, sqliteChunkSize, sqliteRows } from '../database/sql';
import { uuid7 } from '../database/uuid7';
import { AuditEvent } from './audit-event.entity';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(actor: Actor, entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    // A time-ordered id and a millisecond time: events of the same second keep their order (SQLite's default is to the second).
    await manager.insert(AuditEvent, {
      id: uuid7(),
      createdAt: new Date(),
      actorType: actor.type,
      actorId: actor.id,
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      details: entry.details ?? null,
    });
  }

  /**
   * Many events in one statement per chunk, in the caller's transaction: an import can change the consent
   * of thousands of customers per batch, and one INSERT per event would be its slowest part. Same rows as
   * `record` (ids and counts only, never personal data); ids are time-ordered (UUIDv7).
   */
  async recordMany(actor: Actor, entries: AuditEntry[], manager: EntityManager = this.dataSource.manager, at = new Date()): Promise<void> {
    if (entries.length === 0) return;
    if (dialectOf(manager) === 'postgres') {
      await manager.query(
        `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details)
         SELECT t.id, $2, $3, $4, t.action, t.subject_type, t.subject_id, t.details
         FROM json_to_recordset($1::json) AS t(id uuid, action text, subject_type text, subject_id text, details jsonb)`,
        [
          JSON.stringify(
            entries.map((e) => ({ id: uuid7(), action: e.action, subject_type: e.subjectType ?? null, subject_id: e.subjectId ?? null, details: e.details ?? null })),
          ),
          at.toISOString(),
          actor.type,
          actor.id,
        ],
      );
      return;
    }
    const columns = 8;
    for (const chunk of chunks(entries, sqliteChunkSize(columns))) {
      await manager.query(
        `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details) VALUES ${sqliteRows(chunk.length, columns)}`,
        chunk.flatMap((e) => [
          uuid7(),
          dbTime('sqlite', at),
          actor.type,
          actor.id,
          e.action,
          e.subjectType ?? null,
          e.subjectId ?? null,
          e.details ? JSON.stringify(e.details) : null,
        ]),
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
