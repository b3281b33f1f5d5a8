import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { LOCATION_FIELDS, LOCATION_NOTICES } from '../locations/locations-pages.controller';
import { LocationsService } from '../locations/locations.service';
import { overviewView } from './overview-view';
import { noticeFor, renderPage } from './pages';
import { staffContext } from './staff-page';
import { StaffOverview, WINDOW_DAYS } from './staff-overview';

const LATEST_SHOWN = 3;

/**
 * A location's page shows the location, not just its settings: its numbers for the last 30 days, latest
 * recommendations, open alerts and running campaigns, with links to its public page and its settings.
 * Here rather than in the locations module because the numbers come from modules above it.
 */
@ApiExcludeController()
@Controller('dashboard/locations')
export class LocationPageController {
  constructor(
    private readonly locations: LocationsService,
    private readonly overview: StaffOverview,
  ) {}

  /** Dealers see only their own locations (another one is a 404, as in the API). */
  @Get(':code')
  @Roles('admin', 'marketer', 'dealer')
  async show(@CurrentActor() actor: Actor, @Param('code') code: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    const location = await this.locations.get(actor, code);
    const overview = await this.overview.execute(actor, { location: location.code, latest: LATEST_SHOWN });
    const q = `location=${encodeURIComponent(location.code)}`;
    const days = `from=${overview.window.from}&to=${overview.window.to}`;
    const context = staffContext(reply, actor, { title: location.name, section: 'locations' }, {
      location,
      ...overviewView(overview, {
        nps: `/dashboard/nps?${q}&${days}`,
        promoters: `/dashboard/promoters?${q}&${days}`,
        recommendations: `/dashboard/recommendations?${q}&${days}`,
        alerts: `/dashboard/alerts?status=open&order=oldest&${q}`,
        report: `/dashboard/reports?${q}&${days}`,
      }),
      alertsHref: `/dashboard/alerts?status=open&order=oldest&${q}`,
      recommendationsHref: `/dashboard/recommendations?${q}`,
      windowDays: WINDOW_DAYS,
      facts: LOCATION_FIELDS.map((f) => ({ label: f.label, value: location[f.name] ?? '' })),
      canEdit: actor.role === 'admin' || actor.role === 'marketer',
      canCreateCampaign: actor.role !== 'dealer',
      notice: noticeFor(notice, LOCATION_NOTICES),
    });
    return renderPage(reply, 'pages/staff/location.hbs', context);
  }
}
