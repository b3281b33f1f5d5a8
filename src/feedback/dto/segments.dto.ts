import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CsvQueryDto } from '../../common/http/csv-query.dto';
import { emptyToUndefined, toNumber } from '../../common/validation/query-transforms';

const CONSENT_WORDS: Record<string, boolean> = { true: true, yes: true, '1': true, false: false, no: false, '0': false };

/** location, from and to: the filters every segment list and report takes. */
export class SegmentWindowDto extends CsvQueryDto {
  @ApiPropertyOptional({ example: 'DLR-001', description: 'A location code; dealers only their own' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'ISO date or date-time, inclusive' })
  @Transform(emptyToUndefined) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date such as 2026-01-01' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'ISO date (that whole day included) or date-time (exclusive)' })
  @Transform(emptyToUndefined) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date such as 2026-12-31' })
  to?: string;
}

export class NpsQueryDto extends SegmentWindowDto {
  @ApiPropertyOptional({ enum: ['week', 'month'], description: 'Adds `series`, one point per ISO week (Monday) or month, UTC' })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['week', 'month'], { message: 'interval must be week or month' })
  interval?: 'week' | 'month';
}

export class PromotersQueryDto extends SegmentWindowDto {
  @ApiPropertyOptional({ type: 'integer', enum: [9, 10], default: 9, description: 'Lowest score of the latest response' })
  @Transform(toNumber) @IsOptional()
  @IsInt({ message: 'minScore must be 9 or 10' }) @Min(9, { message: 'minScore must be 9 or 10' }) @Max(10, { message: 'minScore must be 9 or 10' })
  minScore?: number;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only customers who may (true) or may not (false) be contacted for marketing: the survey\'s consent, unless they opted out since' })
  @Transform(({ value }) => (value === '' || value === undefined ? undefined : CONSENT_WORDS[String(value).toLowerCase()] ?? value))
  @IsOptional() @IsBoolean({ message: 'consent must be true or false' })
  consent?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'JSON only; CSV exports every row' })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(0)
  offset?: number;
}

/** `from`/`to` as an instant range: a date-only `to` includes that whole day. */
export function windowOf(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const dateOnly = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = (value: string) => new Date(dateOnly(value) ? `${value}T00:00:00Z` : value);
  const from = query.from ? at(query.from) : undefined;
  let to = query.to ? at(query.to) : undefined;
  if (to && query.to && dateOnly(query.to)) to = new Date(to.getTime() + 24 * 60 * 60 * 1000);
  return { from, to };
}
