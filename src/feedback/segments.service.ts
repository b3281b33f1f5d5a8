import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { LocationsService } from '../locations/locations.service';
import { windowOf } from './dto/segments.dto';
import { FeedbackRepository, Interval, SegmentCounts } from './feedback.repository';
import { LocationDirectory } from './location-directory';
import { npsOf } from './nps';
import { PromoterCursor, PromoterRow, PromotersReadModel } from './promoters.read-model';
import { scopedLocationIds } from './scope';

export interface NpsFigures extends SegmentCounts {
  responses: number;
  /** % promoters − % detractors, one decimal; null without responses. */
  nps: number | null;
}

export interface NpsPoint extends NpsFigures {
  /** First day of the period (ISO week starting Monday, or month), UTC. */
  period: string;
}

export interface NpsView extends NpsFigures {
  series?: NpsPoint[];
}

export interface PromoterView {
  customerId: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  score: number;
  locationCode: string;
  respondedAt: Date;
  /** May be contacted for marketing: the survey's consent, unless they opted out (or did before an erasure) since. */
  marketingConsent: boolean;
  /** They opted out of marketing email (preference page or one-click unsubscribe). */
  optedOut: boolean;
}

export const PROMOTER_CSV_COLUMNS = [
  'customerId', 'email', 'name', 'phone', 'score', 'locationCode', 'respondedAt', 'marketingConsent', 'optedOut',
] as const;
export const NPS_CSV_COLUMNS = ['period', 'responses', 'promoters', 'passives', 'detractors', 'nps'] as const;

export interface NpsQuery {
  location?: string;
  from?: string;
  to?: string;
  interval?: Interval;
}

export interface PromotersQuery {
  location?: string;
  from?: string;
  to?: string;
  minScore?: number;
  consent?: boolean;
}

/** Series longer than this are not gap-filled (a decade of weeks). */
const MAX_FILLED_PERIODS = 520;

/**
 * NPS and the promoter list. NPS counts responses (the standard definition): every response in the
 * window counts once, so a customer who answered twice counts twice. The promoter list is about
 * customers: those whose latest response is a promoter (DESIGN.md, Definitions).
 */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly responses: FeedbackRepository,
    private readonly promoterList: PromotersReadModel,
    private readonly locations: LocationsService,
  ) {}

  async nps(actor: Actor, query: NpsQuery): Promise<NpsView> {
    const locationIds = await scopedLocationIds(this.locations, actor, query.location);
    const window = windowOf(query);
    const [total] = await this.responses.segmentCounts({ locationIds, ...window });
    const view: NpsView = figures(total ?? { promoters: 0, passives: 0, detractors: 0 });
    if (query.interval) {
      const points = await this.responses.segmentCounts({ locationIds, ...window }, query.interval);
      view.series = fillGaps(
        points.map((p) => ({ period: p.period!, ...figures(p) })),
        query.interval,
        window.from,
        window.to,
      );
    }
    return view;
  }

  /** NPS of each location in scope over the window (locations without responses included). */
  async npsByLocation(actor: Actor, query: Omit<NpsQuery, 'interval'>): Promise<(NpsFigures & { code: string; name: string })[]> {
    const locationIds = await scopedLocationIds(this.locations, actor, query.location);
    const counts = new Map(
      (await this.responses.segmentCountsByLocation({ locationIds, ...windowOf(query) })).map((c) => [c.locationId, c]),
    );
    const locations = (await this.locations.list(actor)).filter((l) => !locationIds || locationIds.includes(l.id));
    return locations.map((l) => ({
      code: l.code,
      name: l.name,
      ...figures(counts.get(l.id) ?? { promoters: 0, passives: 0, detractors: 0 }),
    }));
  }

  /** One page, newest latest response first. */
  async promoters(actor: Actor, query: PromotersQuery, limit: number, offset: number): Promise<PromoterView[]> {
    const { filter, directory } = await this.promoterFilter(actor, query);
    const rows = await this.promoterList.page(filter, limit, undefined, offset);
    return rows.map((c) => toPromoterView(c, directory));
  }

  /** Every matching promoter, read page by page (keyset), for the CSV export. */
  async *allPromoters(actor: Actor, query: PromotersQuery, pageSize = 1000): AsyncGenerator<PromoterView> {
    const { filter, directory } = await this.promoterFilter(actor, query);
    let cursor: PromoterCursor | undefined;
    for (;;) {
      const page = await this.promoterList.page(filter, pageSize, cursor);
      for (const row of page) yield toPromoterView(row, directory);
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      cursor = { respondedAt: last.respondedAt, id: last.id };
    }
  }

  private async promoterFilter(actor: Actor, query: PromotersQuery) {
    const locationIds = await scopedLocationIds(this.locations, actor, query.location);
    const directory = await LocationDirectory.load(this.locations);
    return {
      directory,
      filter: { locationIds, ...windowOf(query), minScore: query.minScore ?? 9, consent: query.consent },
    };
  }
}

function figures(counts: SegmentCounts): NpsFigures {
  const responses = counts.promoters + counts.passives + counts.detractors;
  return {
    responses,
    promoters: counts.promoters,
    passives: counts.passives,
    detractors: counts.detractors,
    nps: npsOf(responses, counts.promoters, counts.detractors),
  };
}

function toPromoterView(c: PromoterRow, directory: LocationDirectory): PromoterView {
  return {
    customerId: c.id,
    email: c.email,
    name: c.name,
    phone: c.phone,
    score: c.score,
    locationCode: directory.get(c.locationId)?.code ?? '',
    respondedAt: c.respondedAt,
    marketingConsent: c.marketingConsent,
    optedOut: c.optedOut,
  };
}

function periodStart(date: Date, interval: Interval): Date {
  if (interval === 'month') return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000);
}

function nextPeriod(date: Date, interval: Interval): Date {
  return interval === 'month'
    ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1))
    : new Date(date.getTime() + 7 * 86_400_000);
}

/** Every period from the window's start (or the first data) to its end (or the last data), empty ones as zeros. */
function fillGaps(points: NpsPoint[], interval: Interval, from?: Date, to?: Date): NpsPoint[] {
  if (points.length === 0 && (!from || !to)) return points;
  const byPeriod = new Map(points.map((p) => [p.period, p]));
  const first = periodStart(from ?? new Date(`${points[0].period}T00:00:00Z`), interval);
  const last = to ? new Date(to.getTime() - 1) : new Date(`${points[points.length - 1].period}T00:00:00Z`);
  const filled: NpsPoint[] = [];
  for (let at = first; at <= last; at = nextPeriod(at, interval)) {
    if (filled.length >= MAX_FILLED_PERIODS) return points;
    const period = at.toISOString().slice(0, 10);
    filled.push(byPeriod.get(period) ?? { period, responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
  }
  return filled;
}
