import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { privatePage, renderInvalidLink } from '../preferences/link-pages';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { renderPage } from '../web/pages';
import { RewardsService } from './rewards.service';

const STATUS_LABELS = { issued: 'Ready to use', redeemed: 'Used', voided: 'Cancelled', expired: 'Expired' } as const;

/** The customer's codes, reached from their preference page and from the email that carried each code. */
@ApiExcludeController()
@Controller('preferences/:token/rewards')
@Public()
@UseGuards(IpThrottle('advocate-pages', 120))
export class MyRewardsController {
  constructor(
    private readonly tokens: PreferenceTokens,
    private readonly rewards: RewardsService,
  ) {}

  @Get()
  async list(@Param('token') token: string, @Res() reply: FastifyReply) {
    const customerId = await this.tokens.resolve(token);
    if (!customerId) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    const codes = await this.rewards.codesOf(customerId);
    return renderPage(reply, 'pages/advocate/my-rewards.hbs', {
      title: 'Your thank-you codes',
      token,
      codes: codes.map((c) => ({ ...c, statusLabel: STATUS_LABELS[c.status], expiresOn: c.expiresAt ? new Date(c.expiresAt).toISOString().slice(0, 10) : null })),
    });
  }
}
