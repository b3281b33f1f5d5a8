import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { field, FormBody, formatDateTime, humanise, queryString, renderPage } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { AuditLog } from './audit-log';
import { AuditQueryDto } from './dto/audit-query.dto';

const PAGE_SIZE = 50;
const FILTERS = ['actorType', 'actor', 'action', 'entity', 'entityId', 'from', 'to', 'offset'] as const;
const LABELS = { actorType: 'Actor type', actor: 'Actor', action: 'Action', entity: 'Entity', entityId: 'Entity id', from: 'From', to: 'To' };
const ACTOR_TYPES: Record<string, string> = { staff: 'Staff', customer: 'Customer', api_key: 'API key', system: 'System' };

/** Admins read the audit log with filters and see whether its hash chain holds. Nothing here writes. */
@ApiExcludeController()
@Controller('dashboard/audit')
@Roles('admin')
export class AuditPagesController {
  constructor(private readonly log: AuditLog) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    const input = Object.fromEntries(FILTERS.map((name) => [name, field(raw, name)])) as Record<(typeof FILTERS)[number], string>;
    const check = validatePlain(AuditQueryDto, input);
    const { offset: _offset, ...kept } = input;
    const data: Record<string, unknown> = {
      filters: input,
      actorTypes: Object.entries(ACTOR_TYPES).map(([value, label]) => ({ value, label, selected: value === input.actorType })),
      filtered: Object.values(kept).some(Boolean),
      chain: await this.log.verify(),
    };
    if (check.errors) {
      data.errors = humanise(check.errors, LABELS);
    } else {
      const offset = check.value.offset ?? 0;
      const rows = await this.log.list({ ...check.value, limit: PAGE_SIZE + 1, offset } as AuditQueryDto);
      data.rows = rows.slice(0, PAGE_SIZE).map((r) => ({
        ...r,
        when: formatDateTime(r.createdAt),
        actorLabel: ACTOR_TYPES[r.actorType] ?? r.actorType,
        shortHash: r.hash ? r.hash.slice(0, 12) : null,
      }));
      data.next = rows.length > PAGE_SIZE ? `/dashboard/audit?${queryString({ ...kept, offset: offset + PAGE_SIZE })}` : null;
      data.previous = offset > 0 ? `/dashboard/audit?${queryString({ ...kept, offset: Math.max(0, offset - PAGE_SIZE) || undefined })}` : null;
      data.paged = Boolean(data.next || data.previous);
      data.csvLink = `/api/audit?${queryString({ ...kept, format: 'csv', limit: 500 })}`;
    }
    const context = staffContext(reply, actor, { title: 'Audit log', section: 'audit' }, data);
    return renderPage(reply, 'pages/staff/audit.hbs', context, check.errors ? 400 : 200);
  }
}
