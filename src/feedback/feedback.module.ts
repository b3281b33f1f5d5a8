import { FeedbackPrivacy } from './feedback-privacy.service';
import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { LocationsModule } from '../locations/locations.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { SettingsModule } from '../settings/settings.module';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { FeedbackIngestService } from './feedback-ingest.service';
import { FeedbackPagesController } from './feedback-pages.controller';
import { FeedbackWebhookController } from './feedback-webhook.controller';
import { FeedbackWebhookService } from './feedback-webhook.service';
import { FeedbackRepository } from './feedback.repository';
import { ImportFeedbackUseCase } from './import-feedback.use-case';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { InterruptedImports } from './interrupted-imports';
import { PromotersReadModel } from './promoters.read-model';
import { SegmentsController } from './segments.controller';
import { SegmentsService } from './segments.service';
import { WebhookThrottleGuard } from './webhook-throttle.guard';
import { SavedMappings } from './saved-mappings.service';
import { StagedUploads } from './staged-uploads';
import { SurveyUploadPagesController } from './survey-upload-pages.controller';

/**
 * Feedback in, segments out: file imports (upload page, API, CLI) and the webhook, NPS and promoters,
 * and detractor alerts (the closed loop to location managers).
 */
@Module({
  imports: [CustomersModule, LocationsModule, SettingsModule, PreferencesModule],
  controllers: [ImportsController, FeedbackWebhookController, SegmentsController, AlertsController, FeedbackPagesController, SurveyUploadPagesController],
  providers: [
    StagedUploads,
    SavedMappings,
    FeedbackRepository,
    ImportsRepository,
    AlertsRepository,
    FeedbackIngestService,
    ImportFeedbackUseCase,
    InterruptedImports,
    FeedbackWebhookService,
    SegmentsService,
    PromotersReadModel,
    AlertsService,
    WebhookThrottleGuard,
    FeedbackPrivacy,
  ],
  exports: [ImportFeedbackUseCase, FeedbackIngestService, SegmentsService, AlertsService, FeedbackPrivacy],
})
export class FeedbackModule {}
