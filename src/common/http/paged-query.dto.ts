import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toNumber } from '../validation/query-transforms';
import { CsvQueryDto } from './csv-query.dto';

/** A staff list read a page at a time: `limit` (default 100, at most 500) rows from `offset`. */
export class PagedQueryDto extends CsvQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(0)
  offset?: number;
}
