import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../users/passwords';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH, { message: `password must be 1-${PASSWORD_MAX_LENGTH} characters` })
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH, { message: `currentPassword must be 1-${PASSWORD_MAX_LENGTH} characters` })
  currentPassword: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `newPassword must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters`,
  })
  newPassword: string;
}

export class AccessTokenDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`; the same token is set as the httpOnly `access_token` cookie' })
  accessToken: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token from the emailed link `/reset-password/<token>`' })
  @IsString()
  @Length(1, 100, { message: 'token must be 1-100 characters' })
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `newPassword must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters`,
  })
  newPassword: string;
}

export class PasswordResetAcceptedDto {
  @ApiProperty({ example: 'If an account exists for that address, we have sent it a link to choose a new password.' })
  message: string;
}
