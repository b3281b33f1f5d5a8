import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { InvitationPagesModule } from '../invitations/invitation-pages.module';
import { LocationsModule } from '../locations/locations.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { RewardsModule } from '../rewards/rewards.module';
import { SettingsModule } from '../settings/settings.module';
import { SharingModule } from '../sharing/sharing.module';
import { AdvocatePagesController } from './advocate-pages.controller';
import { ApproveRecommendation } from './approve-recommendation.use-case';
import { MyRecommendationsController } from './my-recommendations.controller';
import { PostToXForCustomer } from './post-to-x-for-customer.use-case';
import { PublicPagesController } from './public-pages.controller';
import { QuoteCards } from './quote-card';
import { RecommendationsPagesController } from './recommendations-pages.controller';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';
import { SharePage } from './share-page.service';
import { XLengthController } from './x-length.controller';

/**
 * What customers write and approve, and everything built on it: the advocate's page (`/i/:token`), their
 * withdrawal page, the public pages (`/p/:id`, `/l/:code`), the staff API and the staff page (read, hide, unhide).
 */
@Module({
  imports: [CampaignsModule, InvitationPagesModule, PreferencesModule, LocationsModule, SettingsModule, SharingModule, RewardsModule],
  controllers: [AdvocatePagesController, MyRecommendationsController, PublicPagesController, RecommendationsController, RecommendationsPagesController, XLengthController],
  providers: [RecommendationsRepository, RecommendationsService, QuoteCards, ApproveRecommendation, PostToXForCustomer, SharePage],
  exports: [RecommendationsService, ApproveRecommendation],
})
export class RecommendationsModule {}
