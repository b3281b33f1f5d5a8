import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators/auth.decorators';
import { ApiErrors } from '../common/http/api-docs';
import { CsvResponse } from '../common/http/csv-response';
import { AUDIT_CSV_COLUMNS, AuditLog } from './audit-log';
import { AuditQueryDto } from './dto/audit-query.dto';

/** The audit log, read-only: no route updates or deletes a row (and the database refuses it). */
@ApiTags('audit')
@Controller('api/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly log: AuditLog) {}

  @Get()
  @ApiOperation({ summary: 'Read the audit log, newest first, filtered by actor, action, entity and date' })
  @ApiErrors(400)
  async list(@Query() query: AuditQueryDto) {
    const rows = await this.log.list(query);
    return query.format === 'csv' ? new CsvResponse('audit.csv', AUDIT_CSV_COLUMNS, rows) : rows;
  }

  @Get('verify')
  @ApiOperation({ summary: 'Seal new rows and check the whole hash chain; names the first row that does not fit' })
  verify() {
    return this.log.verify();
  }
}
