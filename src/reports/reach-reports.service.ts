import { BadRequestException, Injectable } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Actor } from '../common/actor';
import { DAY_MS, dayMs, daysBefore, lastDays, spanDays, utcDay } from '../common/time/days';
import { npsOf } from '../feedback/nps';
import { LocationsService } from '../locations/locations.service';
import { AdvocateRow, ApprovalCuts, DayRange, FeedbackCuts, ReachCuts, ReachFigures, ReachReportReadModel, ReportScope, RewardFigures } from './reach-report.read-model';

/** Per day up to this many days, per week (Monday, UTC) beyond. */
const DAILY_UP_TO = 90;
const ADVOCATES_SHOWN = 100;
const MAX_SPAN_DAYS = 800;

export interface ReportFunnel {
  responses: number;
  promoters: number;
  invited: number;
  opened: number;
  approved: number;
  shared: number;
  humanClicks: number;
}

export interface ReportReach {
  humanClicks: number;
  uniqueVisitors: number;
  botHits: number;
  /** Measured: impressions X reported for Goodword's posts. */
  xImpressions: number;
  /** Estimated: the advocates' X followers. Never added to the measured figures. */
  estimatedAudience: number;
}

export interface SeriesPoint {
  /** First day of the period (`YYYY-MM-DD`). */
  period: string;
  visitors: number;
  approvals: number;
  responses: number;
  /** null when no responses in the period. */
  nps: number | null;
}

export interface ReachReport {
  from: string;
  to: string;
  /** What the report covers, in words ("Northside Motors", "your 3 locations", "all locations"). */
  scope: { label: string; locationCodes: string[] | null; campaign: { id: string; name: string } | null };
  headline: { text: string; measured: string; estimated: string };
  funnel: ReportFunnel;
  reach: ReportReach;
  customers: number;
  nps: number | null;
  rewards: RewardFigures;
  previous?: { from: string; to: string; funnel: ReportFunnel; reach: ReportReach; nps: number | null; rewards: RewardFigures };
  series: { interval: 'day' | 'week'; points: SeriesPoint[] };
  byChannel: { channel: string; shares: number; humanClicks: number; uniqueVisitors: number; botHits: number }[];
  byCampaign: { campaignId: string; name: string; approved: number; humanClicks: number; uniqueVisitors: number }[];
  byLocation: { code: string; name: string; responses: number; promoters: number; nps: number | null; advocates: number; uniqueVisitors: number }[];
  byTouchpoint: { touchpoint: string | null; responses: number; promoters: number; nps: number | null }[];
  advocates: (Omit<AdvocateRow, 'recommendationId'> & { recommendationId: string; publicPath: string })[];
}

export interface RangeInput {
  days?: string;
  from?: string;
  to?: string;
  compare?: 'previous' | 'none';
}

/**
 * The reach reports: one figure set for a scope (a location, a campaign, a dealer's locations, everything) and a
 * range of days, the same for the page, the JSON and the CSV. Other modules (the location week page) use
 * `forLocationId` for the headline.
 */
@Injectable()
export class ReachReports {
  constructor(
    private readonly model: ReachReportReadModel,
    private readonly locations: LocationsService,
    private readonly campaigns: CampaignsService,
  ) {}

  /** The range a query asks for: a preset (default 30 days up to today, UTC) or from/to. 400 when it makes no sense. */
  range(input: RangeInput, now = new Date()): DayRange {
    const today = utcDay(now.getTime());
    if (input.from || input.to) {
      const to = input.to ?? today;
      const from = input.from ?? utcDay(dayMs(to) - 29 * DAY_MS);
      if (Number.isNaN(dayMs(from)) || Number.isNaN(dayMs(to)) || utcDay(dayMs(from)) !== from || utcDay(dayMs(to)) !== to) {
        throw new BadRequestException(['from and to must be real dates such as 2026-01-31']);
      }
      if (from > to) throw new BadRequestException(['from must not be after to']);
      if (spanDays({ from, to }) > MAX_SPAN_DAYS) throw new BadRequestException([`a report covers at most ${MAX_SPAN_DAYS} days`]);
      return { from, to };
    }
    return lastDays(Number(input.days ?? 30), now.getTime());
  }

  /**
   * The reach figures alone of what the actor may see (a dealer: their locations), or of one location (404 when
   * unknown or not theirs), for each range: the report's figures for the same days, without the rest of it (the
   * staff home). The scope is looked up once for all ranges.
   */
  async reach(actor: Actor, ranges: DayRange[], location?: string): Promise<ReachFigures[]> {
    const scope: ReportScope = location
      ? { locationIds: [(await this.locations.get(actor, location.trim().toUpperCase())).id] }
      : actor.locationCodes
        ? { locationIds: (await this.locations.list(actor)).map((l) => l.id) }
        : {};
    return Promise.all(ranges.map((range) => this.model.reach(scope, range)));
  }

  /** Unique visitors per location code over the range, for every location the actor may see (0 for those without). */
  async visitorsByLocation(actor: Actor, range: DayRange): Promise<Map<string, number>> {
    const own = await this.locations.list(actor);
    const byId = await this.model.visitorsByLocation(actor.locationCodes ? { locationIds: own.map((l) => l.id) } : {}, range);
    return new Map(own.map((l) => [l.code, byId.get(l.id) ?? 0]));
  }

  /** One location (404 when unknown or, for a dealer, not theirs). */
  async forLocation(actor: Actor, code: string, input: RangeInput, now = new Date()): Promise<ReachReport> {
    const location = await this.locations.get(actor, code.trim().toUpperCase());
    return this.build({ locationIds: [location.id] }, this.range(input, now), input.compare === 'previous', {
      label: location.name,
      locationCodes: [location.code],
      campaign: null,
    });
  }

  /** One campaign; a dealer sees their locations' figures only (404 when it has none of them). */
  async forCampaign(actor: Actor, id: string, input: RangeInput, now = new Date()): Promise<ReachReport> {
    const campaign = await this.campaigns.get(actor, id);
    const index = await this.locations.index();
    let ids: string[] | undefined = campaign.locationIds ?? undefined;
    if (actor.locationCodes) {
      const own = (await this.locations.list(actor)).map((l) => l.id);
      ids = ids ? ids.filter((x) => own.includes(x)) : own;
    }
    return this.build({ campaignId: campaign.id, locationIds: ids }, this.range(input, now), input.compare === 'previous', {
      label: campaign.name,
      locationCodes: ids ? index.codes(ids) : null,
      campaign: { id: campaign.id, name: campaign.name },
    });
  }

  /**
   * The actor's report: a dealer's own locations, everything for admins and marketers; narrowed to one
   * location and/or one campaign when asked (404 outside what the actor may see).
   */
  async forActor(actor: Actor, input: RangeInput & { location?: string; campaign?: string }, now = new Date()): Promise<ReachReport> {
    if (input.campaign && input.location) {
      const location = await this.locations.get(actor, input.location.trim().toUpperCase());
      const campaign = await this.campaigns.get(actor, input.campaign);
      if (campaign.locationIds && !campaign.locationIds.includes(location.id)) {
        return this.build({ campaignId: campaign.id, locationIds: [] }, this.range(input, now), input.compare === 'previous', { label: `${campaign.name} at ${location.name}`, locationCodes: [location.code], campaign: { id: campaign.id, name: campaign.name } });
      }
      return this.build({ campaignId: campaign.id, locationIds: [location.id] }, this.range(input, now), input.compare === 'previous', { label: `${campaign.name} at ${location.name}`, locationCodes: [location.code], campaign: { id: campaign.id, name: campaign.name } });
    }
    if (input.campaign) return this.forCampaign(actor, input.campaign, input, now);
    if (input.location) return this.forLocation(actor, input.location, input, now);
    if (actor.locationCodes) {
      const own = await this.locations.list(actor);
      const label = own.length === 1 ? own[0].name : `your ${own.length} locations`;
      return this.build({ locationIds: own.map((l) => l.id) }, this.range(input, now), input.compare === 'previous', { label, locationCodes: own.map((l) => l.code), campaign: null });
    }
    return this.build({}, this.range(input, now), input.compare === 'previous', { label: 'all locations', locationCodes: null, campaign: null });
  }

  /** For other modules' pages (the location week page): the report of one location by id, no actor check. */
  async forLocationId(locationId: string, range: DayRange, label: string, compare = true): Promise<ReachReport> {
    return this.build({ locationIds: [locationId] }, range, compare, { label, locationCodes: null, campaign: null });
  }

  /** The headline figures; `cuts` when the caller already reads the range's rollups, responses and approvals (the current period). */
  private async figures(
    scope: ReportScope,
    range: DayRange,
    cuts?: { reach: Promise<ReachCuts>; feedback: Promise<FeedbackCuts>; approvals: Promise<ApprovalCuts>; shared: Promise<number> },
  ) {
    const [feedback, invitations, approvals, shared, reach, xImpressions, estimatedAudience, codes] = await Promise.all([
      this.model.feedback(scope, range, cuts?.feedback),
      this.model.invitations(scope, range),
      cuts ? cuts.approvals.then((c) => c.total) : this.model.approvals(scope, range),
      cuts ? cuts.shared : this.model.shared(scope, range),
      cuts ? cuts.reach.then((c) => c.total) : this.model.reach(scope, range),
      this.model.xImpressions(scope, range),
      this.model.estimatedAudience(scope, range),
      this.model.rewardCodes(scope, range),
    ]);
    const approved = approvals.approved;
    const rewards: RewardFigures = { optedIn: approvals.optedIn, ...codes };
    const funnel: ReportFunnel = {
      responses: feedback.responses,
      promoters: feedback.promoters,
      invited: invitations.invited,
      opened: invitations.opened,
      approved,
      shared,
      humanClicks: reach.humanClicks,
    };
    return {
      funnel,
      reach: { ...reach, xImpressions, estimatedAudience },
      customers: feedback.customers,
      nps: npsOf(feedback.responses, feedback.promoters, feedback.detractors),
      rewards,
    };
  }

  private async build(scope: ReportScope, range: DayRange, compare: boolean, about: ReachReport['scope']): Promise<ReachReport> {
    const span = spanDays(range);
    const previousRange = daysBefore(range);
    // The range's rollups, responses and approvals are each read once, cut every way the report needs.
    const reach = this.model.reachCuts(scope, range);
    const feedback = this.model.feedbackCuts(scope, range);
    const approvals = this.model.approvalCuts(scope, range);
    const shares = this.model.sharesWithVisits(scope, range);
    const shared = this.model.shared(scope, range, shares);
    const [current, previous, days, byChannel, byCampaign, byLocation, byTouchpoint, advocates] = await Promise.all([
      this.figures(scope, range, { reach, feedback, approvals, shared }),
      compare ? this.figures(scope, previousRange) : Promise.resolve(undefined),
      this.model.days(reach, feedback, approvals),
      this.model.byChannel(reach, shares),
      this.model.byCampaign(reach, approvals),
      this.model.byLocation(scope, reach, feedback, approvals),
      this.model.byTouchpoint(feedback),
      this.model.advocates(scope, range, ADVOCATES_SHOWN),
    ]);
    const interval = span <= DAILY_UP_TO ? 'day' : 'week';
    return {
      from: range.from,
      to: range.to,
      scope: about,
      headline: headline(range, span, about.label, current.customers, current.funnel.approved, current.reach),
      ...current,
      ...(previous ? { previous: { ...previousRange, ...previous } } : {}),
      series: { interval, points: series(range, interval, days) },
      byChannel: byChannel.sort((a, b) => b.uniqueVisitors - a.uniqueVisitors || a.channel.localeCompare(b.channel)),
      byCampaign,
      byLocation: byLocation
        .map(({ code, name, responses, promoters, detractors, advocates, uniqueVisitors }) => ({ code, name, responses, promoters, nps: npsOf(responses, promoters, detractors), advocates, uniqueVisitors }))
        .sort((a, b) => b.uniqueVisitors - a.uniqueVisitors || b.advocates - a.advocates || a.code.localeCompare(b.code)),
      byTouchpoint: byTouchpoint.map(({ touchpoint, responses, promoters, detractors }) => ({ touchpoint, responses, promoters, nps: npsOf(responses, promoters, detractors) })),
      advocates: advocates.map((a) => ({ ...a, publicPath: `/p/${a.recommendationId}` })),
    };
  }
}

const number = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

function headline(range: DayRange, span: number, label: string, customers: number, advocates: number, reach: ReportReach): ReachReport['headline'] {
  const today = utcDay(Date.now());
  const when = range.to === today ? `Last ${span} days` : `${range.from} to ${range.to}`;
  const measured = `${plural(customers, 'customer', 'customers')} gave feedback, ${plural(advocates, 'became an advocate', 'became advocates')}, their recommendations drew ${plural(reach.uniqueVisitors, 'visitor', 'visitors')} and ${plural(reach.xImpressions, 'X impression', 'X impressions')} (measured)`;
  const estimated = `their X followers number ${number(reach.estimatedAudience)} (estimated audience)`;
  return { text: `${when} at ${label}: ${measured}; ${estimated}.`, measured, estimated };
}

/** Monday of the day's ISO week. */
const weekOf = (day: string) => {
  const ms = dayMs(day);
  return utcDay(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS);
};

function series(range: DayRange, interval: 'day' | 'week', days: { day: string; responses: number; promoters: number; detractors: number; visitors: number; approvals: number }[]): SeriesPoint[] {
  const buckets = new Map<string, { visitors: number; approvals: number; responses: number; promoters: number; detractors: number }>();
  for (let ms = dayMs(range.from); ms <= dayMs(range.to); ms += DAY_MS) {
    const key = interval === 'day' ? utcDay(ms) : weekOf(utcDay(ms));
    if (!buckets.has(key)) buckets.set(key, { visitors: 0, approvals: 0, responses: 0, promoters: 0, detractors: 0 });
  }
  for (const d of days) {
    const b = buckets.get(interval === 'day' ? d.day : weekOf(d.day));
    if (!b) continue;
    b.visitors += d.visitors;
    b.approvals += d.approvals;
    b.responses += d.responses;
    b.promoters += d.promoters;
    b.detractors += d.detractors;
  }
  return [...buckets.entries()].map(([period, b]) => ({ period, visitors: b.visitors, approvals: b.approvals, responses: b.responses, nps: npsOf(b.responses, b.promoters, b.detractors) }));
}
