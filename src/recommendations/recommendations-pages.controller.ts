import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { CampaignsService } from '../campaigns/campaigns.service';
import { LocationsService } from '../locations/locations.service';
import { CHANNEL_LABELS } from '../sharing/intent-links';
import { ShareChannel } from '../sharing/share.entity';
import { field, formatDateTime, FormBody, formErrors, humanise, noticeFor, queryString, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { HideRecommendationDto, RecommendationsQueryDto } from './dto/recommendations.dto';
import { RecommendationStatus, RecommendationsService } from './recommendations.service';

const STAFF = ['admin', 'marketer', 'dealer'] as const;
const MODERATORS = ['admin', 'marketer'] as const;
const PAGE_SIZE = 100;
const LABELS: Record<string, string> = { reason: 'Reason' };
const NOTICES: Record<string, string> = {
  hidden: 'Recommendation hidden: its public page and links now say it is no longer available.',
  shown: 'Recommendation shown again on public pages.',
};
const STATUS_LABELS: Record<RecommendationStatus, string> = { public: 'Public', hidden: 'Hidden', withdrawn: 'Withdrawn by the customer' };

/** Query strings of the filter form, for links and redirects that keep the filters. */

/** The list's filters, from the query string or a form's hidden fields (a post comes back to the same list). */
function filtersOf(raw: FormBody) {
  const names = ['location', 'campaign', 'status', 'from', 'to', 'offset'] as const;
  return Object.fromEntries(names.map((name) => [name, field(raw, name)])) as Record<(typeof names)[number], string>;
}

/**
 * The staff page of approved recommendations: every role reads (dealers their locations' only); admins and
 * marketers may hide one from public pages with a reason, and show it again (CSRF, audited by the service).
 * Nothing here edits a recommendation (principle 1).
 */
@ApiExcludeController()
@Controller('dashboard/recommendations')
export class RecommendationsPagesController {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly locations: LocationsService,
    private readonly campaigns: CampaignsService,
  ) {}

  @Get()
  @Roles(...STAFF)
  list(@CurrentActor() actor: Actor, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    return this.render(reply, actor, raw);
  }

  @Post(':id/hide')
  @Roles(...MODERATORS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async hide(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const back = filtersOf(body);
    const reason = field(body, 'reason');
    const check = validatePlain(HideRecommendationDto, { reason });
    if (check.errors) return this.render(reply, actor, back, { id, messages: humanise(check.errors, LABELS), status: 400, reason });
    try {
      await this.recommendations.hide(actor, id, check.value.reason);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, back, { id, messages: humanise(messages, LABELS), status, reason });
    }
    return seeOther(reply, `/dashboard/recommendations?${queryString({ ...back, notice: 'hidden' })}`);
  }

  @Post(':id/unhide')
  @Roles(...MODERATORS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async unhide(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const back = filtersOf(body);
    try {
      await this.recommendations.unhide(actor, id);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, back, { id, messages, status });
    }
    return seeOther(reply, `/dashboard/recommendations?${queryString({ ...back, notice: 'shown' })}`);
  }

  private async render(
    reply: FastifyReply,
    actor: Actor,
    raw: FormBody,
    failed?: { id: string; messages: string[]; status: number; reason?: string },
  ) {
    const input = filtersOf(raw);
    const check = validatePlain(RecommendationsQueryDto, input);
    const { offset: _offset, ...kept } = input;
    const canModerate = actor.role === 'admin' || actor.role === 'marketer';
    const data: Record<string, unknown> = {
      filters: input,
      locations: await this.locations.list(actor),
      campaigns: (await this.campaigns.list(actor)).map((c) => ({ id: c.id, name: c.name })),
      statuses: Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
      filtered: Boolean(input.location || input.campaign || input.status || input.from || input.to),
      canModerate,
      notice: noticeFor(field(raw, 'notice'), NOTICES),
    };
    if (check.errors) {
      data.errors = check.errors;
    } else {
      const offset = check.value.offset ?? 0;
      const { offset: _ignored, limit: _limit, ...query } = check.value;
      const rows = await this.recommendations.list(actor, { ...query, limit: PAGE_SIZE + 1, offset });
      const pageRows = rows.slice(0, PAGE_SIZE);
      data.recommendations = pageRows.map((r) => ({
        ...r,
        channelsText: r.channels.map((c) => CHANNEL_LABELS[c as ShareChannel] ?? c).join(', '),
        approvedText: formatDateTime(r.approvedAt),
        statusLabel: STATUS_LABELS[r.status],
        isPublic: r.status === 'public',
        isHidden: r.status === 'hidden',
        error: failed?.id === r.id ? failed.messages : undefined,
        reason: failed?.id === r.id ? failed.reason : undefined,
      }));
      // The row may have left this page meanwhile: the message is then shown above the list.
      if (failed && !pageRows.some((r) => r.id === failed.id)) data.errors = failed.messages;
      data.first = offset + 1;
      data.last = offset + Math.min(rows.length, PAGE_SIZE);
      data.next = rows.length > PAGE_SIZE ? `/dashboard/recommendations?${queryString({ ...kept, offset: offset + PAGE_SIZE })}` : null;
      data.previous =
        offset > 0 ? `/dashboard/recommendations?${queryString({ ...kept, offset: Math.max(0, offset - PAGE_SIZE) || undefined })}` : null;
      data.paged = Boolean(data.next || data.previous);
      data.csvLink = `/api/recommendations?${queryString({ ...kept, format: 'csv' })}`;
    }
    const status = check.errors ? 400 : failed ? failed.status : 200;
    const context = staffContext(reply, actor, { title: 'Recommendations', section: 'recommendations' }, data);
    return renderPage(reply, 'pages/staff/recommendations.hbs', context, status);
  }
}
