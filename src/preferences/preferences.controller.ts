import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { wantsHtml } from '../common/http/wants-html';
import { field, FormBody, noticeFor, renderPage, seeOther } from '../web/pages';
import { privatePage, renderInvalidLink } from './link-pages';
import { PreferencesService, PreferenceView } from './preferences.service';

/** Per IP and minute: a person uses a few; guessing tokens takes millions. */
export const PREFERENCE_PAGES_PER_MINUTE = 120;
/** RFC 8058 one-click posts come from mail providers' servers, many customers behind one address: generous. */
export const ONE_CLICK_UNSUBSCRIBES_PER_MINUTE = 1200;

const NOTICES: Record<string, string> = { saved: 'Your choices are saved.', unsubscribed: 'You will get no more marketing email from us.' };

/**
 * `/preferences/:token`: the customer sees and changes what they agreed to. The token in the URL
 * authenticates; the page's own form also carries a CSRF token. `POST …/unsubscribe` is the RFC 8058
 * one-click endpoint named in every marketing email's List-Unsubscribe header: no cookie, no CSRF
 * token, no confirmation step.
 */
@ApiExcludeController()
@Controller('preferences')
@Public()
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get(':token')
  @UseGuards(IpThrottle('preference-pages', PREFERENCE_PAGES_PER_MINUTE))
  async show(@Param('token') token: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    const view = await this.preferences.view(token);
    if (!view) return renderInvalidLink(reply, 'preferences');
    return this.render(reply, token, view, noticeFor(notice, NOTICES));
  }

  @Post(':token')
  @UseGuards(IpThrottle('preference-pages', PREFERENCE_PAGES_PER_MINUTE))
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async update(@Param('token') token: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const view = await this.preferences.update(token, {
      // The checkbox is only on the page when there is recorded consent to turn back on.
      marketingEmail: field(body, 'marketingShown') === '1' ? field(body, 'marketingEmail') === 'on' : undefined,
      rewards: field(body, 'rewards') === 'on',
    });
    if (!view) return renderInvalidLink(reply, 'preferences');
    return seeOther(reply, `/preferences/${encodeURIComponent(token)}?notice=saved`);
  }

  /** Where the footer's "Unsubscribe" link lands in a browser: a GET never unsubscribes (mail scanners follow links). */
  @Get(':token/unsubscribe')
  @UseGuards(IpThrottle('preference-pages', PREFERENCE_PAGES_PER_MINUTE))
  async confirm(@Param('token') token: string, @Res() reply: FastifyReply) {
    const view = await this.preferences.view(token);
    if (!view) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    return renderPage(reply, 'pages/preferences-unsubscribe.hbs', { title: 'Unsubscribe', token, emailHint: view.emailHint });
  }

  /** RFC 8058 one-click (body `List-Unsubscribe=One-Click`, not needed) and the confirm page's button. */
  @Post(':token/unsubscribe')
  @UseGuards(IpThrottle('one-click-unsubscribe', ONE_CLICK_UNSUBSCRIBES_PER_MINUTE))
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const done = await this.preferences.unsubscribe(token, 'one_click');
    if (!wantsHtml(request)) {
      privatePage(reply);
      return reply.status(done ? 200 : 404).type('text/plain; charset=utf-8').send(done ? 'Unsubscribed\n' : 'Unknown link\n');
    }
    if (!done) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    return renderPage(reply, 'pages/preferences-unsubscribed.hbs', { title: 'You are unsubscribed', token });
  }

  private render(reply: FastifyReply, token: string, view: PreferenceView, notice?: string) {
    privatePage(reply);
    return renderPage(reply, 'pages/preferences.hbs', {
      title: 'Your email and reward choices',
      token,
      view,
      notice,
      csrfToken: reply.generateCsrf(),
    });
  }
}
