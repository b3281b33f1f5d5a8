import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { AppConfig } from '../config/app-config';
import { approvedTextOf, MAX_TEXT_LENGTH, normaliseDraft, xCheckFor } from './recommendation-text';

export class XLengthDto {
  @IsString() @MaxLength(MAX_TEXT_LENGTH * 2)
  text: string;

  /** The offer's disclosure line when the reward box is ticked (the page has it): it comes first in the post. */
  @IsOptional() @IsString() @MaxLength(300)
  disclosure?: string;
}

/**
 * The write step's live counter asks here, so the browser shows X's own count (twitter-text, on the
 * server) rather than an approximation. Pure computation: no state, no token, nothing stored.
 */
@Controller('x-length')
@Public()
@UseGuards(IpThrottle('x-length', 300))
export class XLengthController {
  constructor(private readonly config: AppConfig) {}

  @Post()
  @HttpCode(200)
  @ApiExcludeEndpoint()
  count(@Body() dto: XLengthDto) {
    const draft = normaliseDraft(dto.text);
    const text = approvedTextOf(draft, dto.disclosure?.trim() || null);
    const check = xCheckFor(text, this.config.publicUrl);
    return { weightedLength: check.weightedLength, max: 280, valid: check.valid && draft !== '' };
  }
}
