import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { stripBidiControls, trimText } from '../../common/text/invisible-characters';

const toBool = ({ value }: { value: unknown }) => (value === true || value === 'true' || value === 'on' || value === '1' || value === 'yes' ? true : value === false || value === 'false' || value === '0' || value === 'no' || value === '' ? false : value);

export class UpdateThemeDto {
  @ApiPropertyOptional({ example: 'Wait time' })
  @IsOptional()
  @Transform(trimText)
  @IsString()
  @Length(1, 80, { message: 'label must be 1-80 characters' })
  label?: string;

  @ApiPropertyOptional({ example: { en: ['wait', 'took forever', '+quick'], es: ['espera'] }, description: '`+word`: counts only negated; `!word`: counts negated or not' })
  @IsOptional()
  @IsObject()
  terms?: Record<string, string[]>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class RosterEntryDto {
  @IsString()
  @Length(1, 60)
  @Matches(/^[\p{L}][\p{L}'’. -]*$/u, { message: 'firstName must be a first name (letters, apostrophes, hyphens)' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  firstName: string;

  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Transform(({ value }) => (typeof value === 'string' ? stripBidiControls(value).trim() || undefined : value))
  role?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  neverMatch?: boolean;
}

export class DigestSettingDto {
  @Transform(toBool)
  @IsBoolean()
  enabled: boolean;
}

export class KudosWindowDto {
  @IsOptional()
  @IsIn(['30', '90'])
  days?: '30' | '90';
}
