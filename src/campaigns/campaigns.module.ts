import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { LocationsModule } from '../locations/locations.module';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { CampaignFunnel } from './campaign-funnel';
import { CampaignScheduler, CampaignTick } from './campaign-tick';
import { Campaign } from './campaign.entity';
import { CampaignTickProcessor, FanOutProcessor, InviteBatchProcessor, SendInvitationsProcessor } from './campaign.processors';
import { CampaignsPagesController } from './campaigns-pages.controller';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { DeliveryRepository } from './delivery.repository';
import { DryRunCampaign } from './dry-run-campaign';
import { EligibilityCache } from './eligibility-cache';
import { EligibilityReadModel } from './eligibility.read-model';
import { FanOutCampaign } from './fan-out-campaign';
import { FunnelReadModel } from './funnel.read-model';
import { InvitationEmails } from './invitation-email';
import { InviteCustomers } from './invite-customers';
import { LaunchCampaign } from './launch-campaign';
import { ScheduleReminders } from './schedule-reminders';
import { SendInvitations } from './send-invitations';
import { TestSendCampaign } from './test-send-campaign';

/**
 * Campaigns: definitions and life cycle, dry run, launch, the queue fan-out that invites eligible
 * promoters (once each, under the frequency cap), sending, reminders, the funnel, the JSON API and
 * the staff pages. `CampaignScheduler.kick()` asks for a round now: it listens to AudienceChanges
 * (feedback imports and webhook calls, marketing email turned back on).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), CustomersModule, InvitationsModule, PreferencesModule, LocationsModule, SettingsModule, UsersModule, NotificationsCoreModule],
  controllers: [CampaignsController, CampaignsPagesController],
  providers: [
    CampaignsRepository,
    EligibilityReadModel,
    EligibilityCache,
    FunnelReadModel,
    DeliveryRepository,
    CampaignsService,
    LaunchCampaign,
    DryRunCampaign,
    FanOutCampaign,
    InviteCustomers,
    SendInvitations,
    ScheduleReminders,
    CampaignTick,
    CampaignScheduler,
    CampaignFunnel,
    TestSendCampaign,
    InvitationEmails,
    CampaignTickProcessor,
    FanOutProcessor,
    InviteBatchProcessor,
    SendInvitationsProcessor,
  ],
  exports: [CampaignsService, CampaignFunnel, LaunchCampaign, SendInvitations, CampaignScheduler],
})
export class CampaignsModule {}
