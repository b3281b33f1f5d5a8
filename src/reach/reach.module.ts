import { Module } from '@nestjs/common';
import { ClickRecorder } from './click-recorder.service';
import { ClicksRepository } from './clicks.repository';
import { RedirectRoute } from './redirect.route';
import { TrackedLinksService } from './tracked-links.service';

/** Tracked links and the clicks on them; reach reports build on these. */
@Module({
  providers: [TrackedLinksService, ClicksRepository, ClickRecorder, RedirectRoute],
  exports: [TrackedLinksService, ClickRecorder],
})
export class ReachModule {}
