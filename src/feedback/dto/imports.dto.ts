import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CsvQueryDto } from '../../common/http/csv-query.dto';

/** Query strings carry text: '' means absent, anything else must read as a number (else NaN fails @IsInt). */
const toNumber = ({ value }: { value: unknown }) => (value === '' || value === undefined || value === null ? undefined : Number(value));

export class ImportUploadQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Choose the import id, to poll GET /api/imports/:id while the upload runs' })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional() @IsUUID('4', { message: 'id must be a UUID (version 4)' })
  id?: string;
}

export class ImportErrorsQueryDto extends CsvQueryDto {
  @ApiPropertyOptional({ default: 1000, maximum: 10000, description: 'JSON only; CSV lists every rejected row' })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(1) @Max(10000)
  limit?: number;
}
