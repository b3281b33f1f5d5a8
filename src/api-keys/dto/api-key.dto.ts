import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { trimText } from '../../common/text/invisible-characters';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Survey platform webhook' })
  @Transform(trimText)
  @IsString()
  @Length(1, 100, { message: 'name must be 1-100 characters' })
  name: string;
}
