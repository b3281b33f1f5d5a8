import { BadRequestException, Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Actor } from '../common/actor';
import { spanDays } from '../common/time/days';
import { validatePlain } from '../common/validation/validate-plain';
import { LocationsService } from '../locations/locations.service';
import { field, FormBody, renderPage } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { ScopedReportQueryDto } from './dto/report-query.dto';
import { ReachReport, ReachReports } from './reach-reports.service';
import { reportChart } from './report-chart';
import { change, CHANNEL_LABELS, conversion, FUNNEL_STEPS } from './report-view';

const STAFF = ['admin', 'marketer', 'dealer'] as const;
const PRESETS = ['7', '30', '90', '365'];
const SORTS: Record<string, { label: string; key: 'nps' | 'advocates' | 'uniqueVisitors' }> = {
  visitors: { label: 'visitors', key: 'uniqueVisitors' },
  advocates: { label: 'advocates', key: 'advocates' },
  nps: { label: 'NPS', key: 'nps' },
};

function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The reach report pages: numbers first (headline, funnel against the previous period), then the chart and
 * its table, the breakdowns and the advocates. Filters are a GET form, so the URL carries them; the CSV link
 * asks the API for the same figures.
 */
@ApiExcludeController()
@Controller('dashboard/reports')
export class ReportsPagesController {
  constructor(
    private readonly reports: ReachReports,
    private readonly locations: LocationsService,
    private readonly campaigns: CampaignsService,
  ) {}

  @Get()
  @Roles(...STAFF)
  index(@CurrentActor() actor: Actor, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    return this.render(actor, raw, reply, '/dashboard/reports', (input) => this.reports.forActor(actor, input));
  }

  @Get('locations/:code')
  @Roles(...STAFF)
  location(@CurrentActor() actor: Actor, @Param('code') code: string, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    return this.render(actor, { ...raw, location: '', campaign: '' }, reply, `/dashboard/reports/locations/${encodeURIComponent(code)}`, (input) =>
      this.reports.forLocation(actor, code, input),
    { fixed: 'location' });
  }

  @Get('campaigns/:id')
  @Roles(...STAFF)
  campaign(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() raw: FormBody, @Res() reply: FastifyReply) {
    return this.render(actor, { ...raw, location: '', campaign: '' }, reply, `/dashboard/reports/campaigns/${encodeURIComponent(id)}`, (input) =>
      this.reports.forCampaign(actor, id, input),
    { fixed: 'campaign' });
  }

  private async render(
    actor: Actor,
    raw: FormBody,
    reply: FastifyReply,
    path: string,
    load: (input: ScopedReportQueryDto) => Promise<ReachReport>,
    options: { fixed?: 'location' | 'campaign' } = {},
  ) {
    const filters = {
      days: field(raw, 'days'),
      from: field(raw, 'from'),
      to: field(raw, 'to'),
      location: field(raw, 'location'),
      campaign: field(raw, 'campaign'),
      sort: SORTS[field(raw, 'sort')] ? field(raw, 'sort') : 'visitors',
    };
    if (!filters.days && !filters.from && !filters.to) filters.days = '30';
    const check = validatePlain(ScopedReportQueryDto, { days: filters.days, from: filters.from, to: filters.to, location: filters.location, campaign: filters.campaign });
    // The report is read while the filter pickers load; its failure is handled below, where it is awaited.
    const loading = check.errors ? undefined : load({ ...check.value, compare: 'previous' });
    loading?.catch(() => undefined);
    const [locations, campaigns] = await Promise.all([this.locations.list(actor), this.campaigns.names(actor)]);
    const data: Record<string, unknown> = {
      path,
      filters,
      fixed: options.fixed,
      presets: PRESETS.map((days) => ({ days, current: !filters.from && !filters.to && filters.days === days, href: `${path}${queryString({ days, location: filters.location, campaign: filters.campaign, sort: filters.sort })}` })),
      locations: locations.map((l) => ({ code: l.code, name: l.name })),
      campaigns: campaigns.map((c) => ({ id: c.id, name: c.name })),
    };
    let title = 'Reports';
    let status = 200;
    if (check.errors) {
      data.errors = check.errors;
      status = 400;
    } else {
      let report: ReachReport;
      try {
        report = await loading!;
      } catch (error) {
        if (!(error instanceof BadRequestException)) throw error;
        const body = error.getResponse() as { message?: string | string[] };
        data.errors = Array.isArray(body.message) ? body.message : [String(body.message ?? error.message)];
        return renderPage(reply, 'pages/staff/reports.hbs', staffContext(reply, actor, { title, section: 'reports' }, data), 400);
      }
      title = `Report: ${report.scope.label}`;
      Object.assign(data, view(report, filters.sort));
      const range = filters.from || filters.to ? { from: report.from, to: report.to } : { days: filters.days };
      const apiPath = path === '/dashboard/reports' ? '/api/reports/dealer' : path.replace('/dashboard/reports', '/api/reports');
      data.csvLink = `${apiPath}${queryString({ ...range, location: filters.location, campaign: filters.campaign, compare: 'previous', format: 'csv' })}`;
      data.sortLinks = Object.entries(SORTS).map(([key, s]) => ({
        label: s.label,
        current: key === filters.sort,
        href: `${path}${queryString({ ...range, location: filters.location, campaign: filters.campaign, sort: key })}#locations-heading`,
      }));
      data.customRange = { from: report.from, to: report.to };
    }
    return renderPage(reply, 'pages/staff/reports.hbs', staffContext(reply, actor, { title, section: 'reports' }, data), status);
  }
}

const number = (n: number) => n.toLocaleString('en-US');

function view(report: ReachReport, sort: string) {
  const p = report.previous;
  const steps = FUNNEL_STEPS.map((step, i) => {
    const value = report.funnel[step.key];
    const c = change(value, p?.funnel[step.key]);
    return {
      label: step.label,
      value: number(value),
      previous: p ? number(p.funnel[step.key]) : '',
      change: c.text,
      direction: c.direction,
      conversion: i === 0 ? '' : conversion(value, report.funnel[FUNNEL_STEPS[i - 1].key], step),
    };
  });
  const key = SORTS[sort].key;
  const byLocation = [...report.byLocation].sort((a, b) => (b[key] ?? -101) - (a[key] ?? -101) || a.code.localeCompare(b.code));
  const points = report.series.points;
  return {
    report,
    headline: report.headline,
    days: spanDays(report),
    previousRange: p ? `${p.from} to ${p.to}` : '',
    steps,
    reachFacts: [
      { label: 'Unique visitors', value: number(report.reach.uniqueVisitors), kind: 'measured' },
      { label: 'Human visits', value: number(report.reach.humanClicks), kind: 'measured' },
      { label: 'X impressions', value: number(report.reach.xImpressions), kind: 'measured' },
      { label: 'Bot hits (not counted)', value: number(report.reach.botHits), kind: 'excluded' },
    ],
    estimated: { label: 'X followers of the advocates', value: number(report.reach.estimatedAudience) },
    nps: report.nps === null ? '—' : String(report.nps),
    rewards: report.rewards,
    hasRewards: report.rewards.optedIn + report.rewards.issued + report.rewards.redeemed + report.rewards.voided > 0,
    chart: reportChart(points),
    chartSummary: `${points.length} ${report.series.interval === 'day' ? 'days' : 'weeks'}: ${number(points.reduce((s, x) => s + x.visitors, 0))} visitors and ${number(points.reduce((s, x) => s + x.approvals, 0))} approvals in all; the busiest ${report.series.interval} had ${number(Math.max(0, ...points.map((x) => x.visitors)))} visitors.`,
    perWeek: report.series.interval === 'week',
    series: points.map((x) => ({ ...x, npsText: x.nps === null ? '—' : String(x.nps) })),
    byChannel: report.byChannel.map((c) => ({ ...c, label: CHANNEL_LABELS[c.channel] ?? c.channel })),
    byCampaign: report.byCampaign,
    byLocation: byLocation.map((l) => ({ ...l, npsText: l.nps === null ? '—' : String(l.nps) })),
    byTouchpoint: report.byTouchpoint.filter((t) => t.touchpoint !== null).map((t) => ({ ...t, npsText: t.nps === null ? '—' : String(t.nps) })),
    advocates: report.advocates.map((a) => ({
      ...a,
      author: a.authorName ?? 'A customer',
      date: a.approvedAt.toISOString().slice(0, 10),
      channelsText: a.channels.map((c) => CHANNEL_LABELS[c] ?? c).join(', '),
    })),
    noShares: report.funnel.shared === 0 && report.reach.humanClicks === 0,
    noResponses: report.funnel.responses === 0,
  };
}
