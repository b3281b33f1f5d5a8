import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { SegmentsService } from '../feedback/segments.service';
import { ReachReports } from '../reports/reach-reports.service';
import { UsersService } from '../users/users.service';
import { overviewView } from './overview-view';
import { renderPage } from './pages';
import { staffContext } from './staff-page';
import { overviewWindow, StaffOverview, WINDOW_DAYS } from './staff-overview';

/** Shown on the home page; the NPS page has every location. */
const LOCATIONS_SHOWN = 8;

/**
 * The staff home: the last 30 days in numbers (NPS and its trend, new promoters, approvals, visitors, open
 * alerts oldest first, running campaigns with their funnel) for what the role may see, then the sections it may
 * use. Its tiles open their pages on the same days.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly users: UsersService,
    private readonly overview: StaffOverview,
    private readonly segments: SegmentsService,
    private readonly reports: ReachReports,
  ) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  async dashboard(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const now = new Date();
    const [user, overview, byLocation, visitors] = await Promise.all([
      this.users.get(actor.id!),
      this.overview.execute(actor, {}, now),
      this.segments.npsByLocation(actor, overviewWindow(now)),
      this.reports.visitorsByLocation(actor, overviewWindow(now)),
    ]);
    const days = `from=${overview.window.from}&to=${overview.window.to}`;
    const context = staffContext(reply, actor, { title: 'Home', section: 'dashboard' });
    const locations = byLocation.sort((a, b) => b.responses - a.responses || a.code.localeCompare(b.code));
    return renderPage(reply, 'pages/staff/dashboard.hbs', {
      ...context,
      ...overviewView(overview, {
        nps: `/dashboard/nps?${days}`,
        promoters: `/dashboard/promoters?${days}`,
        recommendations: `/dashboard/recommendations?${days}`,
        alerts: '/dashboard/alerts?status=open&order=oldest',
        report: `/dashboard/reports?${days}`,
      }),
      cards: context.staff.nav.filter((item) => item.section !== 'dashboard' && item.description),
      email: user.email,
      windowDays: WINDOW_DAYS,
      npsHref: `/dashboard/nps?${days}`,
      locations: locations.slice(0, LOCATIONS_SHOWN).map((l) => ({ ...l, npsText: l.nps === null ? '—' : String(l.nps), visitors: visitors.get(l.code) ?? 0 })),
      moreLocations: Math.max(0, locations.length - LOCATIONS_SHOWN),
      canCreateCampaign: actor.role !== 'dealer',
    });
  }
}
