import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { LocationsModule } from '../locations/locations.module';
import { RecommendationsModule } from '../recommendations/recommendations.module';
import { ReportsModule } from '../reports/reports.module';
import { UsersModule } from '../users/users.module';
import { DashboardController } from './dashboard.controller';
import { HomeController } from './home.controller';
import { LocationPageController } from './location-page.controller';
import { StaffOverview } from './staff-overview';

/**
 * Shell pages that belong to no domain: home, the staff home and a location's page, whose numbers come from
 * several modules' services (StaffOverview). Domain pages live in their own modules.
 */
@Module({
  imports: [UsersModule, LocationsModule, FeedbackModule, RecommendationsModule, CampaignsModule, ReportsModule],
  controllers: [HomeController, DashboardController, LocationPageController],
  providers: [StaffOverview],
})
export class WebModule {}
