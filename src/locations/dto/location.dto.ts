import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { cleanName, stripBidiControls, WITHOUT_INVISIBLES } from '../../common/text/invisible-characters';
import { IsEmail, IsOptional, IsString, IsTimeZone, IsUrl, Length, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() || undefined : value === null ? undefined : value;
/** Free text shown on the public page (address, city): as trimToNull, without direction overrides. */
const textToNull = ({ value }: { value: unknown }) => trimToNull({ value: typeof value === 'string' ? stripBidiControls(value) : value });
/** Opening hours keep their line breaks (one per day or group of days); other invisible characters go. */
function cleanHours(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map((line) => cleanName(line)).filter(Boolean).join('\n');
}
const webUrl = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateLocationDto {
  @ApiProperty({ example: 'DLR-001', description: 'Letters, digits, - and _; stored upper-case' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, { message: 'code must be 1-32 letters, digits, - or _' })
  code: string;

  @ApiProperty({ example: 'Springfield Motors' })
  @Transform(({ value }) => (typeof value === 'string' ? cleanName(value) : value)) @IsString() @Length(1, 200, { message: 'name must be 1-200 characters' })
  name: string;

  @ApiPropertyOptional() @Transform(textToNull) @IsOptional() @IsString() @MaxLength(300)
  address?: string;

  @ApiPropertyOptional() @Transform(textToNull) @IsOptional() @IsString() @MaxLength(120)
  city?: string;

  @ApiPropertyOptional({ example: 'America/Chicago' })
  @Transform(trimToNull) @IsOptional() @IsTimeZone({ message: 'timezone must be an IANA time zone such as Europe/Lisbon' })
  timezone?: string;

  @ApiPropertyOptional({ example: 'en-US' })
  @Transform(trimToNull) @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, { message: 'locale must look like en or en-US' })
  locale?: string;

  @ApiPropertyOptional() @Transform(trimToNull) @IsOptional() @IsUrl(webUrl, { message: 'websiteUrl must be an http(s) URL' }) @MaxLength(500)
  websiteUrl?: string;

  @ApiPropertyOptional({ description: 'Review-site link shown on the public location page only' })
  @Transform(trimToNull) @IsOptional() @IsUrl(webUrl, { message: 'reviewUrl must be an http(s) URL' }) @MaxLength(500)
  reviewUrl?: string;

  @ApiPropertyOptional() @Transform(trimToNull) @IsOptional() @IsEmail({}, { message: 'managerEmail must be an email address' })
  @Matches(WITHOUT_INVISIBLES, { message: 'managerEmail must be an email address' }) @MaxLength(254)
  managerEmail?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0200' })
  @Transform(trimToNull) @IsOptional() @IsString()
  @Matches(/^\+?[0-9][0-9 ().\/-]{4,38}[0-9]$/, { message: 'phone must be a phone number such as +1 555 010 0200' })
  phone?: string;

  @ApiPropertyOptional({ example: 'Mon–Fri 8:00–18:00\nSat 9:00–13:00', description: 'A few short lines, shown as written' })
  @Transform(({ value }) => (typeof value === 'string' ? cleanHours(value) || undefined : value === null ? undefined : value))
  @IsOptional() @IsString() @MaxLength(500, { message: 'openingHours must be at most 500 characters' })
  @Matches(/^[^\n]{0,80}(\n[^\n]{0,80}){0,9}$/, { message: 'openingHours must be at most 10 lines of 80 characters' })
  openingHours?: string;
}

export class UpdateLocationDto extends PartialType(OmitType(CreateLocationDto, ['code'] as const)) {}
