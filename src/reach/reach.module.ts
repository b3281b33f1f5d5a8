import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { ClickRecorder } from './click-recorder.service';
import { ClickStream } from './click-stream';
import { ClicksRepository } from './clicks.repository';
import { RawClickRetention, RawClickRetentionProcessor } from './raw-click-retention';
import { ReachDailyJobs } from './reach-daily-jobs';
import { ReachFold, ReachFoldProcessor } from './reach-fold';
import { ReachSummary } from './reach-summary.service';
import { RedirectRoute } from './redirect.route';
import { TrackedLinksService } from './tracked-links.service';
import { VisitorSalts } from './visitor-salts.service';

/** Tracked links and the clicks on them; reach reports build on these. */
@Module({
  imports: [SettingsModule],
  providers: [
    TrackedLinksService,
    ClicksRepository,
    ClickRecorder,
    ClickStream,
    RedirectRoute,
    VisitorSalts,
    RawClickRetention,
    RawClickRetentionProcessor,
    ReachFold,
    ReachFoldProcessor,
    ReachDailyJobs,
    ReachSummary,
  ],
  exports: [TrackedLinksService, ClickRecorder, ReachSummary, VisitorSalts],
})
export class ReachModule {}
