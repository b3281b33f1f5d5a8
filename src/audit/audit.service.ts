import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { AuditEvent } from './audit-event.entity';

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
    await manager.insert(AuditEvent, {
      actorType: actor.type,
      actorId: actor.id,
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      details: entry.details ?? null,
    });
  }

  /** Newest first, for the audit page and API. */
  list(filter: { from?: Date; to?: Date; subjectId?: string; limit?: number }): Promise<AuditEvent[]> {
    const query = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e').orderBy('e.createdAt', 'DESC');
    if (filter.from) query.andWhere('e.createdAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.createdAt < :to', { to: filter.to });
    if (filter.subjectId) query.andWhere('e.subjectId = :subjectId', { subjectId: filter.subjectId });
    return query.limit(Math.min(filter.limit ?? 500, 5000)).getMany();
  }
}
