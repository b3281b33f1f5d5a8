import { Module } from '@nestjs/common';
import { ClickRecorder } from './click-recorder.service';
import { ClicksRepository } from './clicks.repository';
import { RedirectRoute } from './redirect.route';
import { TrackedLinksService } from './tracked-links.service';
import { VisitorSalts } from './visitor-salts.service';

/** Tracked links and the clicks on them; reach reports build on these. */
@Module({
  providers: [TrackedLinksService, ClicksRepository, ClickRecorder, RedirectRoute, VisitorSalts],
  exports: [TrackedLinksService, ClickRecorder],
})
export class ReachModule {}
