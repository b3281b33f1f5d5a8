import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { CsvQueryDto } from '../../common/http/csv-query.dto';

/** Query strings carry text: '' means absent, anything else must read as a number (else NaN fails @IsInt). */
const toNumber = ({ value }: { value: unknown }) => (value === '' || value === undefined || value === null ? undefined : Number(value));

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class AlertsQueryDto extends CsvQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['open', 'resolved'], { message: 'status must be open or resolved' })
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ example: 'DLR-001' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(0)
  offset?: number;
}

export class ResolveAlertDto {
  @ApiProperty({ example: 'Called the customer; the repair is redone at no charge.', maxLength: 2000 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @Length(1, 2000, { message: 'note must be 1-2000 characters' })
  note: string;
}
