import { Module } from '@nestjs/common';
import { FeedbackModule } from '../feedback/feedback.module';
import { LocationsModule } from '../locations/locations.module';
import { ReachModule } from '../reach/reach.module';
import { UsersModule } from '../users/users.module';
import { DigestUnsubscribeController } from './digest-unsubscribe.controller';
import { DigestScheduler, DigestTickProcessor } from './digest.jobs';
import { DigestService } from './digest.service';
import { InsightsPagesController } from './insights-pages.controller';
import { InsightsController } from './insights.controller';
import { InsightsReadModel } from './insights.read-model';
import { InsightsRepository } from './insights.repository';
import { LocationWeekService } from './location-week.service';
import { RosterService } from './roster.service';
import { ThemesPagesController } from './themes-pages.controller';
import { ThemesService } from './themes.service';

/** Themes of unhappy comments, staff kudos and the location manager's week (page, API, Monday email). */
@Module({
  imports: [LocationsModule, FeedbackModule, ReachModule, UsersModule],
  controllers: [InsightsController, InsightsPagesController, ThemesPagesController, DigestUnsubscribeController],
  providers: [InsightsRepository, InsightsReadModel, ThemesService, RosterService, LocationWeekService, DigestService, DigestTickProcessor, DigestScheduler],
  exports: [ThemesService, RosterService, LocationWeekService, DigestService],
})
export class InsightsModule {}
