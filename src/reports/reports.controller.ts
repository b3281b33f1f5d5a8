import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvResponse } from '../common/http/csv-response';
import { ReportQueryDto, ScopedReportQueryDto } from './dto/report-query.dto';
import { ReachReport, ReachReports } from './reach-reports.service';
import { REPORT_CSV_COLUMNS, reportCsvLines } from './report-view';

/**
 * Reach reports as JSON or CSV (`format=csv`: one figure a line, what the page shows). Dealers get their own
 * locations; another location, or a campaign with none of theirs, answers 404.
 */
@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReachReports) {}

  @Get('dealer')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: "Reach report of the caller's locations (every location for admins and marketers)" })
  @ApiErrors(400, 404)
  async dealer(@CurrentActor() actor: Actor, @Query() query: ScopedReportQueryDto) {
    return answer(await this.reports.forActor(actor, query), query.format, 'reach-report.csv');
  }

  @Get('locations/:code')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'Reach report of one location' })
  @ApiErrors(400, 404)
  async location(@CurrentActor() actor: Actor, @Param('code') code: string, @Query() query: ReportQueryDto) {
    return answer(await this.reports.forLocation(actor, code, query), query.format, `reach-report-${code.toUpperCase().replace(/[^A-Z0-9_-]/g, '')}.csv`);
  }

  @Get('campaigns/:id')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: "Reach report of one campaign (a dealer's locations only, for a dealer)" })
  @ApiErrors(400, 404)
  async campaign(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: ReportQueryDto) {
    return answer(await this.reports.forCampaign(actor, id, query), query.format, `reach-report-campaign.csv`);
  }
}

function answer(report: ReachReport, format: string | undefined, filename: string) {
  return format === 'csv' ? new CsvResponse(filename, REPORT_CSV_COLUMNS, reportCsvLines(report)) : report;
}
