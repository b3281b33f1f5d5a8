import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { privatePage, renderInvalidLink } from '../preferences/link-pages';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { field, FormBody, noticeFor, renderPage, seeOther } from '../web/pages';
import { ADVOCATE_REQUESTS_PER_MINUTE } from './advocate-pages.controller';
import { RecommendationsService } from './recommendations.service';
import { SharePage } from './share-page.service';

const NOTICES: Record<string, string> = {
  withdrawn: 'Your recommendation is withdrawn: it is no longer shown or shared anywhere through us, and a post we made for you on X is being deleted.',
};

/** The customer's recommendations, reached from their preference page, each with a "Withdraw" button. */
@ApiExcludeController()
@Controller('preferences/:token/recommendations')
@Public()
@UseGuards(IpThrottle('advocate-pages', ADVOCATE_REQUESTS_PER_MINUTE))
export class MyRecommendationsController {
  constructor(
    private readonly tokens: PreferenceTokens,
    private readonly recommendations: RecommendationsService,
    private readonly sharePage: SharePage,
  ) {}

  @Get()
  async list(@Param('token') token: string, @Query('notice') notice: unknown, @Res() reply: FastifyReply) {
    const customerId = await this.tokens.resolve(token);
    if (!customerId) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    const rows = await this.recommendations.listForCustomer(customerId);
    return renderPage(reply, 'pages/advocate/my-recommendations.hbs', {
      title: 'Your recommendations',
      token,
      notice: noticeFor(notice, NOTICES),
      recommendations: await Promise.all(
        rows.map(async (r) => ({ ...r, active: !r.withdrawnAt, postedOnX: !r.withdrawnAt && (await this.sharePage.postedOnX(r.id)) })),
      ),
      csrfToken: reply.generateCsrf(),
    });
  }

  @Post(':id/withdraw')
  @RouteConfig({ csrf: true })
  async withdraw(@Param('token') token: string, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const customerId = await this.tokens.resolve(token);
    if (!customerId) return renderInvalidLink(reply, 'preferences');
    if (field(body, 'confirm') !== 'yes') {
      // First the question, with what withdrawing does; only the confirmed post acts.
      const recommendation = (await this.recommendations.listForCustomer(customerId)).find((r) => r.id === id && !r.withdrawnAt);
      if (!recommendation) return renderInvalidLink(reply, 'preferences');
      privatePage(reply);
      return renderPage(reply, 'pages/advocate/withdraw-confirm.hbs', {
        title: 'Withdraw your recommendation?',
        token,
        recommendation,
        postedOnX: await this.sharePage.postedOnX(id),
        csrfToken: reply.generateCsrf(),
      });
    }
    if (!(await this.recommendations.withdraw(customerId, id))) return renderInvalidLink(reply, 'preferences');
    return seeOther(reply, `/preferences/${encodeURIComponent(token)}/recommendations?notice=withdrawn`);
  }
}
