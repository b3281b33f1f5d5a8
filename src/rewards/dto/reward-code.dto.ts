import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { POOL_CODE_PATTERN } from '../reward-codes';
import { trimText } from '../../common/text/invisible-characters';

const code = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class RedeemDto {
  @ApiProperty({ example: 'WASH-7KQM-X3PD-9ZRTA', description: 'The code as the customer shows it (case does not matter)' })
  @Transform(code) @IsString({ message: 'code must be a string' }) @Matches(POOL_CODE_PATTERN, { message: 'code must be 3-64 letters, digits or . _ : / + -' })
  code: string;
}

export class VoidCodeDto {
  @ApiProperty({ example: 'Issued by mistake: the customer withdrew before the gift was handed over', minLength: 3, maxLength: 300 })
  @Transform(trimText)
  @IsString() @Length(3, 300, { message: 'reason must be 3-300 characters' })
  reason: string;
}

export const CODE_VIEW_STATUSES = ['issued', 'redeemed', 'voided', 'expired'] as const;

export class RewardCodeView {
  @ApiProperty({ example: 'WASH-7KQM-X3PD-9ZRTA' }) code: string;
  @ApiProperty({ enum: CODE_VIEW_STATUSES, description: '`issued`: can be redeemed now' }) status: (typeof CODE_VIEW_STATUSES)[number];
  @ApiProperty({ example: 'a free car wash', description: 'What the code is for' }) description: string;
  @ApiProperty() terms: string;
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) issuedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) redeemedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) voidedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Staff only (null for API keys): free text that may name the customer' }) voidReason: string | null;
}
