import { PrivacyModule } from './privacy/privacy.module';
import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuditLogModule } from './audit/audit-log.module';
import { AuthModule } from './auth/auth.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { FeedbackModule } from './feedback/feedback.module';
import { HealthModule } from './health/health.module';
import { InsightsModule } from './insights/insights.module';
import { InvitationPagesModule } from './invitations/invitation-pages.module';
import { JobsModule } from './jobs/jobs.module';
import { LocationsModule } from './locations/locations.module';
import { MetricsModule } from './metrics/metrics.module';
import { ReachModule } from './reach/reach.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PreferencesModule } from './preferences/preferences.module';
import { RecommendationsModule } from './recommendations/recommendations.module';
import { ReportsModule } from './reports/reports.module';
import { RewardsModule } from './rewards/rewards.module';
import { SharingModule } from './sharing/sharing.module';
import { WebModule } from './web/web.module';

/** The whole application; the same module runs as api, worker or both (GOODWORD_ROLE). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        JobsModule,
        MetricsModule,
        AuditModule,
        AuditLogModule,
        NotificationsModule,
        AuthModule,
        LocationsModule,
        FeedbackModule,
        PreferencesModule,
        CampaignsModule,
        InvitationPagesModule,
        ReachModule,
        HealthModule,
        WebModule,
        DemoModule,
        SharingModule,
        RewardsModule,
        ReportsModule,
        RecommendationsModule,
        InsightsModule,
        PrivacyModule,
      ],
    };
  }
}
