import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { CsvQueryDto } from '../../common/http/csv-query.dto';

const toNumber = ({ value }: { value: unknown }) => (value === '' || value === undefined || value === null ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class RecommendationsQueryDto extends CsvQueryDto {
  @ApiPropertyOptional({ example: 'DLR-001' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ description: 'campaign id' })
  @Transform(emptyToUndefined) @IsOptional() @IsUUID('all', { message: 'campaign must be a campaign id' })
  campaign?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @Transform(toNumber) @IsOptional() @IsInt() @Min(0)
  offset?: number;
}

export class HideRecommendationDto {
  @ApiProperty({ example: 'Names another customer', maxLength: 300 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @Length(1, 300, { message: 'reason must be 1-300 characters' })
  reason: string;
}
