import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CsvQueryDto } from '../../common/http/csv-query.dto';
import { toNumber } from '../../common/validation/query-transforms';

export class ImportUploadQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Choose the import id, to poll GET /api/imports/:id while the upload runs' })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional() @IsUUID('4', { message: 'id must be a UUID (version 4)' })
  id?: string;
}

export class ImportErrorsQueryDto extends CsvQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10000, default: 1000, description: 'JSON only; CSV lists every rejected row' })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(1) @Max(10000)
  limit?: number;
}
