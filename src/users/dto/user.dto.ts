import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { StaffRole } from '../../common/actor';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';
import { STAFF_ROLES } from '../user.entity';

const normaliseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const normaliseCodes = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v)) : value;

export class CreateUserDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(normaliseEmail)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role: StaffRole;

  @ApiPropertyOptional({ type: [String], example: ['DLR-001'], description: 'Location codes; required for dealers, only for dealers' })
  @IsOptional()
  @Transform(normaliseCodes)
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  locations?: string[];

  @ApiPropertyOptional({ description: `At least ${PASSWORD_MIN_LENGTH} characters; omit it to have a strong one generated and returned once` })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters`,
  })
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role?: StaffRole;

  @ApiPropertyOptional({ type: [String], example: ['DLR-001'] })
  @IsOptional()
  @Transform(normaliseCodes)
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  locations?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
