import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { RecommendationsModule } from '../recommendations/recommendations.module';
import { RewardsModule } from '../rewards/rewards.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { DataRetention, DataRetentionProcessor, DataRetentionScheduler } from './data-retention';
import { EraseCustomer } from './erase-customer';
import { ErasePagesController, ExportPagesController, PrivacyApiController, PrivacyPageController } from './privacy.controller';
import { CustomerDataReadModel } from './export.read-model';
import { DataExportService } from './data-export.service';
import { PrivacyFactsService } from './privacy-facts';
import { PrivacyPagesController } from './privacy-pages.controller';

/**
 * The customer's privacy rights and the retention promise: the public `/privacy` page (from the settings
 * in force), erasure on request (self-service and by staff) and the daily data retention job. It reaches
 * every module that holds personal data through that module's own service.
 */
@Module({
  imports: [CustomersModule, FeedbackModule, InvitationsModule, NotificationsCoreModule, PreferencesModule, RecommendationsModule, RewardsModule, SettingsModule, UsersModule],
  controllers: [PrivacyPageController, ErasePagesController, ExportPagesController, PrivacyApiController, PrivacyPagesController],
  providers: [EraseCustomer, PrivacyFactsService, CustomerDataReadModel, DataExportService, DataRetention, DataRetentionProcessor, DataRetentionScheduler],
  exports: [EraseCustomer, DataRetention],
})
export class PrivacyModule {}
