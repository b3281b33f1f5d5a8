import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { CsvResponse } from '../common/http/csv-response';
import { ALERT_CSV_COLUMNS, AlertsService } from './alerts.service';
import { AlertsQueryDto, ResolveAlertDto } from './dto/alerts.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Newest first; dealers see their locations' alerts only. The customer's name and email only with their consent. */
  @Get()
  @Roles('admin', 'marketer', 'dealer')
  async list(@CurrentActor() actor: Actor, @Query() query: AlertsQueryDto) {
    const rows = await this.alerts.list(actor, query, query.limit ?? 100, query.offset ?? 0);
    return query.format === 'csv' ? new CsvResponse('alerts.csv', ALERT_CSV_COLUMNS, rows) : rows;
  }

  @Post(':id/resolve')
  @Roles('admin', 'marketer', 'dealer')
  @HttpCode(200)
  resolve(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ResolveAlertDto) {
    return this.alerts.resolve(actor, id, dto.note);
  }
}
