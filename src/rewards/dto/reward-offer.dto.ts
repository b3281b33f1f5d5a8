import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { CODE_SOURCES, CodeSource, DEFAULT_DISCLOSURE } from '../reward-offer.entity';
import { PREFIX_PATTERN } from '../reward-codes';
import { trimText } from '../../common/text/invisible-characters';

/** Trimmed, without direction overrides: the description, terms and disclosure reach customers and posts. */
const trim = trimText;
const given = ValidateIf((_o, value) => value !== undefined);
export const MAX_BUDGET = 1_000_000;

export class CreateRewardOfferDto {
  @ApiProperty({ example: 'a free car wash', description: 'What the advocate gets; the same for every approved recommendation' })
  @Transform(trim) @IsString() @Length(1, 200, { message: 'description must be 1-200 characters' })
  description: string;

  @ApiPropertyOptional({ example: 'One wash at any of our locations. Not exchangeable for cash.', default: '' })
  @Transform(trim) @given @IsString() @MaxLength(1000, { message: 'terms must be at most 1,000 characters' })
  terms?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2027-06-30T23:59:59Z', description: 'Codes can’t be redeemed after it; null: no expiry' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_BUDGET, example: 200, description: 'The most codes to issue' })
  @IsInt({ message: 'budget must be a whole number' }) @Min(1) @Max(MAX_BUDGET)
  budget: number;

  @ApiProperty({ enum: CODE_SOURCES, description: '`generated`: Goodword makes each code (prefix + 65 random bits); `pool`: codes uploaded as a CSV' })
  @IsIn(CODE_SOURCES, { message: `codeSource must be one of ${CODE_SOURCES.join(', ')}` })
  codeSource: CodeSource;

  @ApiPropertyOptional({ type: String, example: 'WASH', nullable: true, description: 'Generated codes start with it: 1-12 of A-Z and 2-9' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() || null : value))
  @IsOptional() @Matches(PREFIX_PATTERN, { message: 'codePrefix must be 1-12 of A-Z and 2-9 (no 0, O, 1 or I)' })
  codePrefix?: string | null;

  @ApiPropertyOptional({ example: DEFAULT_DISCLOSURE, default: DEFAULT_DISCLOSURE, description: 'The disclosure line; `{brand}` becomes the brand name' })
  @Transform(trim) @given @IsString() @Length(10, 300, { message: 'disclosure must be 10-300 characters' })
  disclosure?: string;
}

export class UpdateRewardOfferDto extends PartialType(CreateRewardOfferDto) {}

export class RewardOfferView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty() description: string;
  @ApiProperty() terms: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: 'integer' }) budget: number;
  @ApiProperty({ type: 'integer', description: 'Codes issued so far' }) issued: number;
  @ApiProperty({ type: 'integer', description: 'Codes that can still be issued: the budget left, and for a pool the codes left in it' }) remaining: number;
  @ApiProperty({ enum: CODE_SOURCES }) codeSource: CodeSource;
  @ApiProperty({ type: String, nullable: true }) codePrefix: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Pool codes not issued yet; null for generated codes' }) poolAvailable: number | null;
  @ApiProperty({ description: 'The disclosure line as stored, with `{brand}`' }) disclosure: string;
  @ApiProperty({ description: 'The disclosure line as advocates will see it' }) disclosureText: string;
  @ApiProperty({ description: 'A code has been issued: only a larger budget and a later expiry can change now' }) locked: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export class PoolUploadResult {
  @ApiProperty({ type: 'integer', description: 'Codes added' }) added: number;
  @ApiProperty({ type: 'integer', description: 'Pool codes not issued yet' }) poolAvailable: number;
}

export class RewardCountsDto {
  @ApiProperty({ type: 'integer', description: 'Approved recommendations (each was offered the thank-you)' }) offered: number;
  @ApiProperty({ type: 'integer', description: 'Of those, accepted the thank-you' }) optedIn: number;
  @ApiProperty({ type: 'integer' }) issued: number;
  @ApiProperty({ type: 'integer' }) redeemed: number;
  @ApiProperty({ type: 'integer', description: 'Issued, not used by the expiry' }) expired: number;
  @ApiProperty({ type: 'integer' }) voided: number;
}

export class RewardLocationCountsDto extends RewardCountsDto {
  @ApiProperty({ example: 'DLR-001' }) code: string;
  @ApiProperty() name: string;
}

export class RewardReportDto extends RewardCountsDto {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ type: 'integer', description: 'Codes that can still be issued' }) remainingBudget: number;
  @ApiProperty({ type: [RewardLocationCountsDto], description: 'The locations you may see' }) locations: RewardLocationCountsDto[];
}

export const REWARD_REPORT_CSV_COLUMNS = ['code', 'name', 'offered', 'optedIn', 'issued', 'redeemed', 'expired', 'voided', 'remainingBudget'] as const;
