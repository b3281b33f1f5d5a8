import { Module } from '@nestjs/common';
import { ReachModule } from '../reach/reach.module';
import { SharesService } from './shares.service';
import { XSharingModule } from './x/x-sharing.module';

/** Shares of approved recommendations: tracked links per channel, intent links, and posting to X. */
@Module({
  imports: [ReachModule, XSharingModule],
  providers: [SharesService],
  exports: [SharesService, XSharingModule],
})
export class SharingModule {}
