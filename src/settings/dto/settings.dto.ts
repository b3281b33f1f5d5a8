import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { cleanName, trimText } from '../../common/text/invisible-characters';
import { SETTING_LIMITS as L } from '../settings';

/** The brand is a name (one line, nothing invisible: it is also the From name of every email). */
const brand = ({ value }: { value: unknown }) => (typeof value === 'string' ? cleanName(value) : value);

/** A partial update; every rule here also applies to stored values read back (see SettingsService). */
export class UpdateSettingsDto {
  @ApiPropertyOptional({ example: 'Springfield Motors Group' })
  @IsOptional() @Transform(brand) @IsString()
  @Length(L.brandName.min, L.brandName.max, { message: `brandName must be ${L.brandName.min}-${L.brandName.max} characters` })
  brandName?: string;

  @ApiPropertyOptional({ example: '1 Example Street, Springfield, IL 62701, USA' })
  @IsOptional() @Transform(trimText) @IsString()
  @Length(L.brandPostalAddress.min, L.brandPostalAddress.max, {
    message: `brandPostalAddress must be ${L.brandPostalAddress.min}-${L.brandPostalAddress.max} characters`,
  })
  brandPostalAddress?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2, description: 'Marketing messages per customer per rolling 30 days; never above 2' })
  @IsOptional() @IsInt({ message: 'frequencyCap must be a whole number' })
  @Min(L.frequencyCap.min, { message: 'frequencyCap must be 0, 1 or 2' })
  @Max(L.frequencyCap.max, { message: 'frequencyCap must be 0, 1 or 2: it can be lowered, never raised above 2' })
  frequencyCap?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 365 })
  @IsOptional() @IsInt({ message: 'alertWindowDays must be a whole number' })
  @Min(L.alertWindowDays.min, { message: `alertWindowDays must be at least ${L.alertWindowDays.min}` })
  @Max(L.alertWindowDays.max, { message: `alertWindowDays must be at most ${L.alertWindowDays.max}` })
  alertWindowDays?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 30, maximum: 3650 })
  @IsOptional() @IsInt({ message: 'dataRetentionDays must be a whole number' })
  @Min(L.dataRetentionDays.min, { message: `dataRetentionDays must be at least ${L.dataRetentionDays.min}` })
  @Max(L.dataRetentionDays.max, { message: `dataRetentionDays must be at most ${L.dataRetentionDays.max}` })
  dataRetentionDays?: number;

  @ApiPropertyOptional({ minimum: 7, maximum: 3650 })
  @IsOptional() @IsInt({ message: 'rawClickRetentionDays must be a whole number' })
  @Min(L.rawClickRetentionDays.min, { message: `rawClickRetentionDays must be at least ${L.rawClickRetentionDays.min}` })
  @Max(L.rawClickRetentionDays.max, { message: `rawClickRetentionDays must be at most ${L.rawClickRetentionDays.max}` })
  rawClickRetentionDays?: number;
}
