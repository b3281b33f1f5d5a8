import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvResponse } from '../common/http/csv-response';
import { ALERT_CSV_COLUMNS, AlertsService } from './alerts.service';
import { AlertsQueryDto, ResolveAlertDto } from './dto/alerts.dto';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Newest first; dealers see their locations' alerts only. The customer's name and email only with their consent. */
  @Get()
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'Detractor alerts, newest first' })
  @ApiErrors(400, 404)
  async list(@CurrentActor() actor: Actor, @Query() query: AlertsQueryDto) {
    const rows = await this.alerts.list(actor, query, query.limit ?? 100, query.offset ?? 0);
    return query.format === 'csv' ? new CsvResponse('alerts.csv', ALERT_CSV_COLUMNS, rows) : rows;
  }

  @Post(':id/resolve')
  @Roles('admin', 'marketer', 'dealer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an alert, with a note' })
  @ApiErrors(400, 404, { 409: 'This alert is already resolved' })
  resolve(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ResolveAlertDto) {
    return this.alerts.resolve(actor, id, dto.note);
  }
}
