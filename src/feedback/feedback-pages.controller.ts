import '@fastify/multipart';
import { Body, Controller, Get, HttpCode, HttpException, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { LocationsService } from '../locations/locations.service';
import { field, FormBody, noticeFor, queryString, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { AlertsService } from './alerts.service';
import { AlertsQueryDto, ResolveAlertDto } from './dto/alerts.dto';
import { ImportUploadQueryDto } from './dto/imports.dto';
import { NpsQueryDto, PromotersQueryDto } from './dto/segments.dto';
import { ImportFeedbackUseCase } from './import-feedback.use-case';
import { importUpload, ImportStoppedException } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { InterruptedImports } from './interrupted-imports';
import { npsChart } from './nps-chart';
import { SegmentsService } from './segments.service';

const IMPORTERS = ['admin', 'marketer'] as const;
const STAFF = ['admin', 'marketer', 'dealer'] as const;
const PAGE_SIZE = 100;
/** Kinds of problem listed on an import's page (the API lists every one). */
const MAX_PROBLEMS = 8;
const ALERT_NOTICES: Record<string, string> = { resolved: 'Alert resolved.' };

/** Query strings of the filter forms, for links that keep the filters (CSV export, next page). */

/**
 * Staff pages for feedback: upload with progress and result, NPS per location with a chart, the promoter
 * list, detractor alerts. Filters are GET forms; the only posts are the upload and "resolve" (CSRF).
 * Query values are checked with the API's DTOs; a bad one shows the page with the message.
 */
@ApiExcludeController()
@Controller('dashboard')
export class FeedbackPagesController {
  constructor(
    private readonly useCase: ImportFeedbackUseCase,
    private readonly imports: ImportsRepository,
    private readonly interrupted: InterruptedImports,
    private readonly segments: SegmentsService,
    private readonly alerts: AlertsService,
    private readonly locations: LocationsService,
  ) {}

  @Get('feedback')
  @Roles(...IMPORTERS)
  async feedback(@CurrentActor() actor: Actor, @Query() query: FormBody, @Res() reply: FastifyReply) {
    const missing = field(query, 'upload') === 'missing';
    return this.renderUpload(reply, actor, missing ? 'Choose a file to upload.' : undefined, missing ? 400 : 200);
  }

  /**
   * Multipart upload (field `file`); the CSRF token is in the query string (checked before the body is
   * read). The page's script adds `id` so it can poll progress; without script the answer is the result page.
   */
  @Post('feedback/imports')
  @Roles(...IMPORTERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: FormBody) {
    const check = validatePlain(ImportUploadQueryDto, { id: field(query, 'id') || undefined });
    if (check.errors) return this.renderUpload(reply, actor, check.errors.join('; '), 400);
    try {
      const result = await importUpload(this.useCase, request, actor, 'upload', check.value.id);
      return seeOther(reply, `/dashboard/feedback/imports/${result.id}`);
    } catch (error) {
      // A stopped import has a record saying why, in words: show it, as after a finished one.
      if (error instanceof ImportStoppedException) return seeOther(reply, `/dashboard/feedback/imports/${error.importId}`);
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      const message = [(error.getResponse() as { message?: unknown }).message ?? error.message].flat().join('; ');
      return this.renderUpload(reply, actor, message, error.getStatus());
    }
  }

  @Get('feedback/imports/:id')
  @Roles(...IMPORTERS)
  async importResult(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    const result = await this.interrupted.settle(await this.imports.findById(id));
    if (!result) throw new NotFoundException(`No import with id ${id}`);
    const [errors, problems] = await Promise.all([this.imports.firstErrors(id, PAGE_SIZE), result.rejected > 0 ? this.imports.rejectionProblems(id) : []]);
    const context = staffContext(reply, actor, { title: 'Feedback import', section: 'feedback' }, {
      result,
      errors,
      problems: problems.slice(0, MAX_PROBLEMS),
      moreProblems: problems.length > MAX_PROBLEMS,
      moreErrors: result.rejected > errors.length,
      running: result.status === 'running' || result.status === 'queued',
      failed: result.status === 'failed',
      interrupted: InterruptedImports.wasInterrupted(result),
    });
    return renderPage(reply, 'pages/staff/feedback-import.hbs', context);
  }

  @Get('nps')
  @Roles(...STAFF)
  async nps(@CurrentActor() actor: Actor, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    const input = { location: field(raw, 'location'), from: field(raw, 'from'), to: field(raw, 'to'), interval: field(raw, 'interval') || 'month' };
    const check = validatePlain(NpsQueryDto, input);
    const locations = await this.locations.list(actor);
    const data: Record<string, unknown> = { filters: input, locations, intervals: ['week', 'month'] };
    if (check.errors) {
      data.errors = check.errors;
    } else {
      const total = await this.segments.nps(actor, check.value);
      data.total = total;
      data.series = total.series ?? [];
      data.chart = npsChart(total.series ?? [], check.value.interval ?? 'month');
      data.period = periodText(input.from, input.to);
      // Each location's link keeps the days and interval: opening one shows the same period for that location.
      data.perLocation = (await this.segments.npsByLocation(actor, check.value)).map((l) => ({
        ...l,
        href: `/dashboard/nps?${queryString({ ...input, location: l.code })}`,
      }));
      data.csvLink = `/api/nps?${queryString({ ...input, format: 'csv' })}`;
    }
    return renderPage(reply, 'pages/staff/nps.hbs', staffContext(reply, actor, { title: 'NPS', section: 'nps' }, data), check.errors ? 400 : 200);
  }

  @Get('promoters')
  @Roles(...STAFF)
  async promoters(@CurrentActor() actor: Actor, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    const input = {
      location: field(raw, 'location'),
      from: field(raw, 'from'),
      to: field(raw, 'to'),
      minScore: field(raw, 'minScore'),
      consent: field(raw, 'consent'),
      offset: field(raw, 'offset'),
    };
    const check = validatePlain(PromotersQueryDto, input);
    const locations = await this.locations.list(actor);
    const data: Record<string, unknown> = { filters: input, locations };
    if (check.errors) {
      data.errors = check.errors;
    } else {
      const offset = check.value.offset ?? 0;
      const rows = await this.segments.promoters(actor, check.value, PAGE_SIZE + 1, offset);
      const filters = { location: input.location, from: input.from, to: input.to, minScore: input.minScore, consent: input.consent };
      data.promoters = rows.slice(0, PAGE_SIZE);
      data.first = offset + 1;
      data.last = offset + Math.min(rows.length, PAGE_SIZE);
      data.next = rows.length > PAGE_SIZE ? `/dashboard/promoters?${queryString({ ...filters, offset: offset + PAGE_SIZE })}` : null;
      data.previous = offset > 0 ? `/dashboard/promoters?${queryString({ ...filters, offset: Math.max(0, offset - PAGE_SIZE) || undefined })}` : null;
      data.paged = Boolean(data.next || data.previous);
      data.csvLink = `/api/promoters?${queryString({ ...filters, format: 'csv' })}`;
    }
    const context = staffContext(reply, actor, { title: 'Promoters', section: 'promoters' }, data);
    return renderPage(reply, 'pages/staff/promoters.hbs', context, check.errors ? 400 : 200);
  }

  @Get('alerts')
  @Roles(...STAFF)
  async alertsPage(@CurrentActor() actor: Actor, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    return this.renderAlerts(reply, actor, raw);
  }

  @Post('alerts/:id/resolve')
  @Roles(...STAFF)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async resolve(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: FormBody,
    @Res() reply: FastifyReply,
  ) {
    const check = validatePlain(ResolveAlertDto, { note: field(body, 'note') });
    const back = { status: field(body, 'status'), location: field(body, 'location'), order: field(body, 'order') };
    if (check.errors) return this.renderAlerts(reply, actor, back, { id, messages: ['Write a note saying what was done (up to 2,000 characters).'] });
    try {
      await this.alerts.resolve(actor, id, check.value.note);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 409) {
        return this.renderAlerts(reply, actor, back, { id, messages: ['This alert was already resolved.'] });
      }
      throw error;
    }
    return seeOther(reply, `/dashboard/alerts?${queryString({ ...back, notice: 'resolved' })}`);
  }

  private async renderUpload(reply: FastifyReply, actor: Actor, error?: string, status = 200) {
    const context = staffContext(reply, actor, { title: 'Feedback', section: 'feedback' }, {
      error,
      imports: await this.interrupted.settleMany(await this.imports.recent(20)),
    });
    return renderPage(reply, 'pages/staff/feedback.hbs', context, status);
  }

  private async renderAlerts(reply: FastifyReply, actor: Actor, raw: FormBody, failed?: { id: string; messages: string[] }) {
    const input = { status: field(raw, 'status') || 'open', location: field(raw, 'location'), order: field(raw, 'order') || 'newest' };
    const check = validatePlain(AlertsQueryDto, input);
    const data: Record<string, unknown> = {
      filters: input,
      locations: await this.locations.list(actor),
      statuses: [{ value: 'open', label: 'Open' }, { value: 'resolved', label: 'Resolved' }],
      orders: [{ value: 'newest', label: 'Newest first' }, { value: 'oldest', label: 'Oldest first' }],
      notice: noticeFor(field(raw, 'notice'), ALERT_NOTICES),
    };
    if (check.errors) data.errors = check.errors;
    else {
      const alerts = await this.alerts.list(actor, check.value, PAGE_SIZE, 0);
      data.alerts = alerts.map((a) => ({ ...a, error: failed?.id === a.id ? failed.messages : undefined }));
      data.csvLink = `/api/alerts?${queryString({ ...input, format: 'csv' })}`;
    }
    const status = check.errors ? 400 : failed ? (failed.messages[0].startsWith('This alert') ? 409 : 400) : 200;
    return renderPage(reply, 'pages/staff/alerts.hbs', staffContext(reply, actor, { title: 'Detractor alerts', section: 'alerts' }, data), status);
  }
}

/** The period a page's figures cover, in words, from its `from`/`to` filters (either may be empty). */
function periodText(from: string, to: string): string {
  if (from && to) return `${from} to ${to}`;
  if (from) return `Since ${from}`;
  if (to) return `Up to ${to}`;
  return 'All responses to date';
}
