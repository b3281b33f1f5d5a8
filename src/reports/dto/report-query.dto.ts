import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CsvQueryDto } from '../../common/http/csv-query.dto';
import { emptyToUndefined } from '../../common/validation/query-transforms';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The range (a preset or from/to) and the comparison every report takes. */
export class ReportQueryDto extends CsvQueryDto {
  @ApiPropertyOptional({ enum: ['7', '30', '90', '365'], default: '30', description: 'The last N days up to today (UTC); ignored when from and to are given' })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['7', '30', '90', '365'], { message: 'days must be 7, 30, 90 or 365' })
  days?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day (UTC), inclusive' })
  @Transform(emptyToUndefined) @IsOptional() @Matches(DAY, { message: 'from must be a date such as 2026-01-01' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'Last day (UTC), inclusive' })
  @Transform(emptyToUndefined) @IsOptional() @Matches(DAY, { message: 'to must be a date such as 2026-03-31' })
  to?: string;

  @ApiPropertyOptional({ enum: ['previous'], description: 'Adds `previous`: the same figures for the period of the same length just before' })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['previous', 'none'], { message: 'compare must be previous' })
  compare?: 'previous' | 'none';
}

/** The reports page and GET /api/reports/dealer may narrow to one location and one campaign. */
export class ScopedReportQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({ example: 'DLR-001', description: 'A location code; dealers only their own' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ description: 'A campaign id; dealers only campaigns with one of their locations' })
  @Transform(emptyToUndefined) @IsOptional() @IsUUID('all', { message: 'campaign must be a campaign id' })
  campaign?: string;
}
