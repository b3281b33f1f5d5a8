import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PagedQueryDto } from '../../common/http/paged-query.dto';
import { trimText } from '../../common/text/invisible-characters';
import { emptyToUndefined } from '../../common/validation/query-transforms';

export class AlertsQueryDto extends PagedQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['open', 'resolved'], { message: 'status must be open or resolved' })
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ example: 'DLR-001' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(32)
  location?: string;

  @ApiPropertyOptional({ enum: ['newest', 'oldest'], default: 'newest', description: 'By the date the alert was raised' })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(['newest', 'oldest'], { message: 'order must be newest or oldest' })
  order?: 'newest' | 'oldest';
}

export class ResolveAlertDto {
  @ApiProperty({ example: 'Called the customer; the repair is redone at no charge.', maxLength: 2000 })
  @Transform(trimText)
  @IsString() @Length(1, 2000, { message: 'note must be 1-2000 characters' })
  note: string;
}
