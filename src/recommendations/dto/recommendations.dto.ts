import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PagedQueryDto } from '../../common/http/paged-query.dto';
import { emptyToUndefined } from '../../common/validation/query-transforms';

export class RecommendationsQueryDto extends PagedQueryDto {
  @ApiPropertyOptional({ example: 'DLR-001' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ description: 'campaign id' })
  @Transform(emptyToUndefined) @IsOptional() @IsUUID('all', { message: 'campaign must be a campaign id' })
  campaign?: string;
}

export class HideRecommendationDto {
  @ApiProperty({ example: 'Names another customer', maxLength: 300 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @Length(1, 300, { message: 'reason must be 1-300 characters' })
  reason: string;
}
