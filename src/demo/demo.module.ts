import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { InsightsModule } from '../insights/insights.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { LocationsModule } from '../locations/locations.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { RecommendationsModule } from '../recommendations/recommendations.module';
import { ReachModule } from '../reach/reach.module';
import { RewardsModule } from '../rewards/rewards.module';
import { SharingModule } from '../sharing/sharing.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { DemoRecommendations } from './demo-recommendations';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [
    LocationsModule,
    UsersModule,
    FeedbackModule,
    CustomersModule,
    CampaignsModule,
    InvitationsModule,
    PreferencesModule,
    SettingsModule,
    RecommendationsModule,
    RewardsModule,
    InsightsModule,
    ReachModule,
    SharingModule,
  ],
  providers: [DemoSeedService, DemoRecommendations],
  exports: [DemoSeedService],
})
export class DemoModule {}
