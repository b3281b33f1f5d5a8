import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsEmail, MaxLength } from 'class-validator';

export class EraseCustomerDto {
  @ApiProperty({ example: 'ann@example.com', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Also delete the posts made through Goodword on the customer\'s X account' })
  @IsBoolean()
  deleteXPosts: boolean;
}

export class ExportCustomerDto {
  @ApiProperty({ example: 'ann@example.com', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
}
