import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { AppConfig } from '../config/app-config';
import { SettingsService } from '../settings/settings.service';
import { approvedTextOf, disclosureLine, MAX_TEXT_LENGTH, normaliseDraft, xCheckFor } from './recommendation-text';

export class XLengthDto {
  @IsString() @MaxLength(MAX_TEXT_LENGTH * 2)
  text: string;

  @IsOptional() @Transform(({ value }) => value === true || value === 'yes') @IsBoolean()
  reward?: boolean;
}

/**
 * The write step's live counter asks here, so the browser shows X's own count (twitter-text, on the
 * server) rather than an approximation. Pure computation: no state, no token, nothing stored.
 */
@Controller('x-length')
@Public()
@UseGuards(IpThrottle('x-length', 300))
export class XLengthController {
  constructor(
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async count(@Body() dto: XLengthDto) {
    const draft = normaliseDraft(dto.text);
    const text = approvedTextOf(draft, dto.reward ? disclosureLine((await this.settings.get()).brandName) : null);
    const check = xCheckFor(text, this.config.publicUrl);
    return { weightedLength: check.weightedLength, max: 280, valid: check.valid && draft !== '' };
  }
}
