import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LocationsModule } from '../locations/locations.module';
import { ReachReportReadModel } from './reach-report.read-model';
import { ReachReports } from './reach-reports.service';
import { ReportsPagesController } from './reports-pages.controller';
import { ReportsController } from './reports.controller';

/** Reach reports (pages, JSON, CSV) built on the daily reach rollups; `ReachReports` is for other pages too. */
@Module({
  imports: [LocationsModule, CampaignsModule],
  controllers: [ReportsController, ReportsPagesController],
  providers: [ReachReportReadModel, ReachReports],
  exports: [ReachReports],
})
export class ReportsModule {}
