import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { CsvFormatError } from '../common/csv/csv-reader';
import { validatePlain } from '../common/validation/validate-plain';
import { field, FormBody, formatDateTime, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { DigestService } from './digest.service';
import { DigestSettingDto, RosterEntryDto } from './dto/insights.dto';
import { LocationWeekService } from './location-week.service';
import { RosterImportReport, RosterService } from './roster.service';

const NOTICES: Record<string, string> = {
  'digest-on': 'The weekly email is on for this location.',
  'digest-off': 'The weekly email is off for this location.',
  added: 'Saved to the roster.',
  removed: 'Removed from the roster.',
};
const STAFF = ['admin', 'marketer', 'dealer'] as const;

/** The manager's week and the staff roster, under a location's page. Dealers: their locations only (404). */
@ApiExcludeController()
@Controller('dashboard/locations')
export class InsightsPagesController {
  constructor(
    private readonly week: LocationWeekService,
    private readonly roster: RosterService,
    private readonly digests: DigestService,
  ) {}

  @Get(':code/week')
  @Roles(...STAFF)
  async showWeek(@CurrentActor() actor: Actor, @Param('code') code: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    const week = await this.week.execute(actor, code);
    const { location } = await this.roster.list(actor, code);
    const max = Math.max(1, ...week.focus.trend.map((t) => t.mentions));
    const change = week.reach.change;
    const context = staffContext(reply, actor, { title: `${week.location.name}: the week`, section: 'locations' }, {
      week,
      location,
      trend: week.focus.trend.map((t) => ({ ...t, height: Math.round((t.mentions / max) * 100) })),
      sharePct: Math.round(week.focus.share * 100),
      brandSharePct: Math.round(week.focus.brandShare * 100),
      reachChange: change === null ? null : `${change >= 0 ? '+' : ''}${Math.round(change * 100)}%`,
      advocates: week.advocates.map((a) => ({ ...a, when: formatDateTime(a.approvedAt) })),
      alerts: week.openAlerts.latest.map((a) => ({ ...a, when: formatDateTime(a.respondedAt) })),
      board30: week.kudosBoard[0].entries,
      board90: week.kudosBoard[1].entries,
      digestEnabled: await this.digests.isEnabled(location.id),
      notice: noticeFor(notice, NOTICES),
    });
    return renderPage(reply, 'pages/staff/location-week.hbs', context);
  }

  @Post(':code/week/digest')
  @Roles(...STAFF)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async setDigest(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const result = validatePlain(DigestSettingDto, { enabled: field(body, 'enabled') });
    const enabled = result.value?.enabled ?? false;
    await this.digests.setEnabled(actor, code, enabled);
    return seeOther(reply, `/dashboard/locations/${encodeURIComponent(code)}/week?notice=${enabled ? 'digest-on' : 'digest-off'}`);
  }

  @Get(':code/roster')
  @Roles(...STAFF)
  async showRoster(@CurrentActor() actor: Actor, @Param('code') code: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.renderRoster(reply, actor, code, { notice: noticeFor(notice, NOTICES) });
  }

  @Post(':code/roster')
  @Roles(...STAFF)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async addToRoster(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const values = { firstName: field(body, 'firstName'), role: field(body, 'role') || undefined, neverMatch: field(body, 'neverMatch') === 'on' };
    const result = validatePlain(RosterEntryDto, values);
    if (!result.value) return this.renderRoster(reply, actor, code, { errors: result.errors, values }, 400);
    await this.roster.add(actor, code, result.value);
    return seeOther(reply, `/dashboard/locations/${encodeURIComponent(code)}/roster?notice=added`);
  }

  @Post(':code/roster/:id/delete')
  @Roles(...STAFF)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async removeFromRoster(@CurrentActor() actor: Actor, @Param('code') code: string, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    await this.roster.remove(actor, code, id);
    return seeOther(reply, `/dashboard/locations/${encodeURIComponent(code)}/roster?notice=removed`);
  }

  /** Multipart (field `file`), CSRF token in the query string as on the other import pages. */
  @Post(':code/roster/import')
  @Roles(...STAFF)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async importRoster(@CurrentActor() actor: Actor, @Param('code') code: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.roster.list(actor, code); // 404 before reading the upload
    let upload: Awaited<ReturnType<FastifyRequest['file']>>;
    try {
      upload = await request.file();
    } catch {
      upload = undefined;
    }
    if (!upload || !upload.filename) {
      upload?.file.resume();
      return this.renderRoster(reply, actor, code, { errors: ['Choose a CSV file to upload.'] }, 400);
    }
    try {
      const report = await this.roster.import(upload.file, actor);
      return this.renderRoster(reply, actor, code, { report });
    } catch (error) {
      upload.file.resume();
      if (error instanceof CsvFormatError) return this.renderRoster(reply, actor, code, { errors: [error.message] }, 400);
      throw error;
    }
  }

  private async renderRoster(
    reply: FastifyReply,
    actor: Actor,
    code: string,
    extra: { notice?: string; errors?: string[]; values?: object; report?: RosterImportReport },
    status = 200,
  ) {
    const { location, entries } = await this.roster.list(actor, code);
    const context = staffContext(reply, actor, { title: `${location.name}: staff roster`, section: 'locations' }, {
      location,
      entries,
      ...extra,
      rejectedCount: extra.report?.rejected.length ?? 0,
    });
    return renderPage(reply, 'pages/staff/location-roster.hbs', context, status);
  }
}
