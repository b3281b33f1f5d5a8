import { Injectable } from '@nestjs/common';
import { CampaignFunnel, FunnelCounts } from '../campaigns/campaign-funnel';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Actor } from '../common/actor';
import { DayRange, daysBefore, lastDays } from '../common/time/days';
import { AlertsService, AlertView } from '../feedback/alerts.service';
import { SegmentsService } from '../feedback/segments.service';
import { RecommendationsService, RecommendationView } from '../recommendations/recommendations.service';
import { ReachReports } from '../reports/reach-reports.service';

/** The window of the home page's figures (the reports' default range), and the one before it for the trend. */
export const WINDOW_DAYS = 30;
export const overviewWindow = (now: Date): DayRange => lastDays(WINDOW_DAYS, now.getTime());
const ALERTS_SHOWN = 5;
/** Counting stops here: "100+" open alerts says enough, and the page stays one cheap query. */
const ALERTS_COUNTED = 100;
const CAMPAIGNS_SHOWN = 4;

export interface Overview {
  /** The last 30 UTC days, today's included: the reports' default range, so both pages show the same figures. */
  window: DayRange;
  nps: number | null;
  /** NPS points against the 30 days before; null when either window has no responses. */
  npsChange: number | null;
  responses: number;
  /** Promoter responses (9–10) in the window. */
  promoters: number;
  promotersBefore: number;
  approved: number;
  approvedBefore: number;
  /** Unique visitors of the shared links (summed per link and day, as the report counts them), and the 30 days before. */
  visitors: number;
  visitorsBefore: number;
  openAlerts: number;
  /** True when there are more open alerts than were counted. */
  openAlertsMore: boolean;
  /** Open alerts, oldest first: what has waited longest comes first. */
  oldestAlerts: AlertView[];
  campaigns: { id: string; name: string; funnel: FunnelCounts }[];
  runningCampaigns: number;
  latest: RecommendationView[];
}

/**
 * The numbers of the staff home and of a location's page, read through each module's own service (scoped
 * by the actor, so a dealer sees their locations only): no query of its own, no join across modules.
 */
@Injectable()
export class StaffOverview {
  constructor(
    private readonly segments: SegmentsService,
    private readonly alerts: AlertsService,
    private readonly recommendations: RecommendationsService,
    private readonly campaigns: CampaignsService,
    private readonly funnel: CampaignFunnel,
    private readonly reports: ReachReports,
  ) {}

  async execute(actor: Actor, options: { location?: string; latest?: number } = {}, now = new Date()): Promise<Overview> {
    const location = options.location;
    // Whole days (a date's `to` includes that day), as a report counts them: the tiles open pages and reports on
    // these days, and must show what those show (30 × 24 hours would differ by the part of a day at its start).
    const window = overviewWindow(now);
    const before = daysBefore(window);
    const [current, previous, approved, approvedBefore, [reach, reachBefore], open, oldest, campaigns, latest] = await Promise.all([
      this.segments.nps(actor, { location, ...window }),
      this.segments.nps(actor, { location, ...before }),
      this.recommendations.count(actor, { location, ...window }),
      this.recommendations.count(actor, { location, ...before }),
      this.reports.reach(actor, [window, before], location),
      this.alerts.list(actor, { status: 'open', location }, ALERTS_COUNTED + 1, 0),
      this.alerts.list(actor, { status: 'open', location, order: 'oldest' }, ALERTS_SHOWN, 0),
      this.campaigns.list(actor, location),
      options.latest ? this.recommendations.list(actor, { location, status: 'public', limit: options.latest }) : Promise.resolve([]),
    ]);
    const running = campaigns.filter((c) => c.status === 'running');
    const funnels = await Promise.all(
      running.slice(0, CAMPAIGNS_SHOWN).map(async (c) => ({ id: c.id, name: c.name, funnel: await this.funnel.execute(actor, c.id, location, now) })),
    );
    return {
      window,
      nps: current.nps,
      npsChange: current.nps !== null && previous.nps !== null ? Math.round((current.nps - previous.nps) * 10) / 10 : null,
      responses: current.responses,
      promoters: current.promoters,
      promotersBefore: previous.promoters,
      approved,
      approvedBefore,
      visitors: reach.uniqueVisitors,
      visitorsBefore: reachBefore.uniqueVisitors,
      openAlerts: Math.min(open.length, ALERTS_COUNTED),
      openAlertsMore: open.length > ALERTS_COUNTED,
      oldestAlerts: oldest,
      campaigns: funnels.map(({ id, name, funnel }) => ({ id, name, funnel: pick(funnel) })),
      runningCampaigns: running.length,
      latest,
    };
  }
}

function pick(f: FunnelCounts): FunnelCounts {
  return { eligible: f.eligible, invited: f.invited, delivered: f.delivered, opened: f.opened, reminded: f.reminded, approved: f.approved, shared: f.shared };
}
