import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { RedeemDto, RewardCodeView, VoidCodeDto } from './dto/reward-code.dto';
import { RewardCodesService } from './reward-codes.service';

/** Reward codes for points of sale (API key) and staff. */
@ApiTags('rewards')
@Controller('api/rewards')
export class RewardCodesController {
  constructor(private readonly codes: RewardCodesService) {}

  @Post('redeem')
  @ApiKeyAllowed()
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (and credentials) gets the first answer instead of a 409' })
  @ApiOperation({ summary: 'Redeem a reward code, once' })
  @ApiOkResponse({ type: RewardCodeView, description: 'Redeemed: what it was for' })
  @ApiErrors(400, { 404: 'Unknown code' }, { 409: 'Redeemed already, voided or expired: `message` says which' })
  redeem(@CurrentActor() actor: Actor, @Body() dto: RedeemDto, @Headers('idempotency-key') key?: string): Promise<RewardCodeView> {
    return this.codes.redeem(actor, dto.code, typeof key === 'string' ? key : null);
  }

  @Get('codes/:code')
  @ApiKeyAllowed()
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Look a reward code up without redeeming it' })
  @ApiOkResponse({ type: RewardCodeView })
  @ApiErrors({ 404: 'Unknown code' })
  lookup(@CurrentActor() actor: Actor, @Param('code') code: string): Promise<RewardCodeView> {
    return this.codes.lookup(actor, code);
  }

  @Post('codes/:code/void')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Void an issued code, with a reason (audited)' })
  @ApiOkResponse({ type: RewardCodeView })
  @ApiErrors(400, { 404: 'Unknown code' }, { 409: 'Redeemed or voided already' })
  void(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: VoidCodeDto): Promise<RewardCodeView> {
    return this.codes.void(actor, code, dto.reason);
  }
}
