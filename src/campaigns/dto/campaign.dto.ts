import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { stripBidiControls, trimText } from '../../common/text/invisible-characters';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { Channel, CHANNELS } from '../campaign.entity';

/** A location code, as stored (upper-case). */
const LOCATION_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
/** Trimmed, without direction overrides (a staff-written prompt is shown to customers and on staff pages). */
const trim = trimText;
const cleanOverrides = ({ value }: { value: unknown }) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([code, prompt]) => [code, typeof prompt === 'string' ? stripBidiControls(prompt) : prompt]))
    : value;
/** Given (not undefined): the field must be valid; null is refused for fields that can't be empty. */
const given = ValidateIf((_o, value) => value !== undefined);

/** `"all"` or a non-empty list of location codes (upper-cased). */
function IsLocationScope(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isLocationScope',
      target: target.constructor,
      propertyName: property as string,
      options: { message: 'locations must be "all" or a list of 1-500 location codes', ...options },
      validator: {
        validate: (value: unknown) =>
          value === 'all' ||
          (Array.isArray(value) &&
            value.length > 0 &&
            value.length <= 500 &&
            value.every((code) => typeof code === 'string' && LOCATION_CODE.test(code))),
      },
    });
}

/** `{ "DLR-001": "What did you like about the workshop?" }`: location code → prompt (1-500 characters). */
function IsPromptOverrides(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isPromptOverrides',
      target: target.constructor,
      propertyName: property as string,
      options: { message: 'promptOverrides must map location codes to prompts of 1-500 characters', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 500 &&
          Object.entries(value).every(
            ([code, prompt]) => LOCATION_CODE.test(code) && typeof prompt === 'string' && prompt.trim().length >= 1 && prompt.length <= 500,
          ),
      },
    });
}

/** A reward offer is small structured data for the rewards capability. */
function IsSmallObject(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isSmallObject',
      target: target.constructor,
      propertyName: property as string,
      options: { message: 'rewardOffer must be an object (at most 2,000 characters of JSON) or null', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) && JSON.stringify(value).length <= 2000,
      },
    });
}

export class SendingHoursDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23, example: 9, description: 'Local hour sending starts' })
  @IsInt() @Min(0) @Max(23)
  from: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 24, example: 19, description: 'Local hour sending stops; from 0 to 24 is all day, from > to wraps past midnight' })
  @IsInt() @Min(1) @Max(24)
  to: number;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'Spring advocates' })
  @Transform(trim) @IsString() @Length(1, 200, { message: 'name must be 1-200 characters' })
  name: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: { type: 'string', pattern: LOCATION_CODE.source }, minItems: 1, maxItems: 500 }],
    example: ['DLR-001'],
    description: '"all" (default, including locations added later) or location codes',
  })
  @Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v)) : value))
  @given @IsLocationScope()
  locations?: 'all' | string[];

  @ApiPropertyOptional({ type: 'integer', enum: [9, 10], default: 9 })
  @given @IsIn([9, 10], { message: 'minScore must be 9 or 10' })
  minScore?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 730, default: 90, description: 'Days since the customer’s latest response' })
  @given @IsInt() @Min(1) @Max(730)
  lookBackDays?: number;

  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, description: 'Where customers may share (default: all)' })
  @given @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CHANNELS.length) @ArrayUnique()
  @IsIn(CHANNELS, { each: true, message: `channels must be among ${CHANNELS.join(', ')}` })
  channels?: Channel[];

  @ApiPropertyOptional({ example: 'What would you tell a friend about your visit?' })
  @Transform(trim) @given @IsString() @Length(1, 500, { message: 'prompt must be 1-500 characters' })
  prompt?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', minLength: 1, maxLength: 500 },
    example: { 'DLR-001': 'How was our service team?' },
    nullable: true,
    description: 'Location code → prompt for that location',
  })
  @Transform(cleanOverrides) @IsOptional() @IsPromptOverrides()
  promptOverrides?: Record<string, string> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Unused: a campaign’s reward offer is managed at /api/campaigns/{id}/reward-offer' })
  @IsOptional() @IsSmallObject()
  rewardOffer?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-12-01T00:00:00Z', nullable: true })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'startsAt must be an ISO 8601 date-time' })
  startsAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2027-01-31T00:00:00Z', nullable: true })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'endsAt must be an ISO 8601 date-time' })
  endsAt?: string | null;

  @ApiPropertyOptional({ type: SendingHoursDto, description: 'Default 9 to 19 in each location’s time zone' })
  @given @IsObject() @ValidateNested() @Type(() => SendingHoursDto)
  sendingHours?: SendingHoursDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 30, nullable: true, description: 'One reminder to non-openers after this many days; null: none' })
  @IsOptional() @IsInt() @Min(1) @Max(30)
  reminderAfterDays?: number | null;
}

export class UpdateCampaignDto extends PartialType(CreateCampaignDto) {}

export class TestSendDto {
  @ApiPropertyOptional({ description: 'A staff user’s address; default: your own' })
  @Transform(trim) @IsOptional() @IsEmail({}, { message: 'email must be an email address' })
  email?: string;
}

export class CampaignListQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ description: 'Only campaigns that include this location (code)' })
  @IsOptional() @IsString() @Length(1, 32)
  location?: string;
}
