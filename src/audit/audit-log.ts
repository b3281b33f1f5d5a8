import { Injectable } from '@nestjs/common';
import { windowOf } from '../feedback/dto/segments.dto';
import { UsersService } from '../users/users.service';
import { AuditChain, ChainReport } from './audit-chain';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';

/** One audit row as the page, API and CSV show it: ids, and a staff actor's email for admins to read. */
export interface AuditRowView {
  id: string;
  seq: string | null;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  details: string | null;
  hash: string | null;
}

export const AUDIT_CSV_COLUMNS = ['createdAt', 'seq', 'actorType', 'actorId', 'actorEmail', 'action', 'entity', 'entityId', 'details', 'hash', 'id'] as const;

/** The admin's read of the audit log (page, API, CSV) and its chain status. Nothing here writes a row. */
@Injectable()
export class AuditLog {
  constructor(
    private readonly audit: AuditService,
    private readonly chain: AuditChain,
    private readonly users: UsersService,
  ) {}

  async list(query: AuditQueryDto): Promise<AuditRowView[]> {
    const events = await this.audit.list({
      ...windowOf(query),
      actorType: query.actorType,
      actorId: query.actor,
      action: query.action,
      subjectType: query.entity,
      subjectId: query.entityId,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    const emails = new Map((await this.users.list()).map((u) => [u.id, u.email]));
    return events.map((e) => toView(e, emails));
  }

  /** Seals what is waiting, then walks the chain: what the page's status line and `audit:verify` report. */
  async verify(): Promise<ChainReport> {
    await this.chain.seal();
    return this.chain.verify();
  }
}

function toView(event: AuditEvent, emails: Map<string, string>): AuditRowView {
  return {
    id: event.id,
    seq: event.seq,
    createdAt: event.createdAt,
    actorType: event.actorType,
    actorId: event.actorId,
    actorEmail: event.actorType === 'staff' && event.actorId ? (emails.get(event.actorId) ?? null) : null,
    action: event.action,
    entity: event.subjectType,
    entityId: event.subjectId,
    details: event.details ? JSON.stringify(event.details) : null,
    hash: event.hash,
  };
}
