import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PagedQueryDto } from '../../common/http/paged-query.dto';
import { trimText } from '../../common/text/invisible-characters';
import { emptyToUndefined } from '../../common/validation/query-transforms';

export class RecommendationsQueryDto extends PagedQueryDto {
  @ApiPropertyOptional({ example: 'DLR-001' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ description: 'campaign id' })
  @Transform(emptyToUndefined) @IsOptional() @IsUUID('all', { message: 'campaign must be a campaign id' })
  campaign?: string;

  @ApiPropertyOptional({ enum: ['public', 'hidden', 'withdrawn'] })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['public', 'hidden', 'withdrawn'], { message: 'status must be public, hidden or withdrawn' })
  status?: 'public' | 'hidden' | 'withdrawn';

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Approved on or after: ISO date or date-time' })
  @Transform(emptyToUndefined) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date such as 2026-01-01' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Approved up to: ISO date (that whole day included) or date-time (exclusive)' })
  @Transform(emptyToUndefined) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date such as 2026-12-31' })
  to?: string;
}

export class HideRecommendationDto {
  @ApiProperty({ example: 'Names another customer', maxLength: 300 })
  @Transform(trimText)
  @IsString() @Length(1, 300, { message: 'reason must be 1-300 characters' })
  reason: string;
}
