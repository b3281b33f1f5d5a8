import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { FreshLinks } from './fresh-link.service';
import { InvitationLanding } from './invitation-landing.service';
import { InvitationPagesController } from './invitation-pages.controller';
import { InvitationsModule } from './invitations.module';

/**
 * Customer-facing invitation pages: `/i/:token` (records "opened"; issue 7 adds writing, preview and
 * approval) and the fresh-link form. Sits above CampaignsModule because the page shows the campaign's prompt.
 */
@Module({
  imports: [InvitationsModule, CampaignsModule, PreferencesModule, CustomersModule],
  controllers: [InvitationPagesController],
  providers: [InvitationLanding, FreshLinks],
  exports: [InvitationLanding],
})
export class InvitationPagesModule {}
