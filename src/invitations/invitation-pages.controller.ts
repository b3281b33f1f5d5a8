import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { LinkKind, privatePage, renderInvalidLink } from '../preferences/link-pages';
import { field, FormBody, renderPage } from '../web/pages';
import { FreshLinks } from './fresh-link.service';
import { InvitationLanding } from './invitation-landing.service';

/** The customer's invitation page (`/i/:token`) and the "email me a fresh link" form of the not-valid page. */
@ApiExcludeController()
@Controller()
@Public()
export class InvitationPagesController {
  constructor(
    private readonly landing: InvitationLanding,
    private readonly freshLinks: FreshLinks,
  ) {}

  @Get('i/:token')
  async open(@Param('token') token: string, @Res() reply: FastifyReply) {
    const view = await this.landing.open(token);
    if (!view) return renderInvalidLink(reply, 'invitation');
    privatePage(reply);
    return renderPage(reply, 'pages/invitation.hbs', { title: `Your good word for ${view.locationName}`, view });
  }

  @Post('links/fresh')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async fresh(@Body() body: FormBody, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const kind: LinkKind = field(body, 'kind') === 'invitation' ? 'invitation' : 'preferences';
    const outcome = await this.freshLinks.request(request.ip, field(body, 'email'), kind);
    privatePage(reply);
    if (outcome === 'rate_limited') {
      return renderPage(reply, 'pages/invitation-link-sent.hbs', { title: 'Please wait a while', limited: true }, 429);
    }
    return renderPage(reply, 'pages/invitation-link-sent.hbs', { title: 'Check your inbox', limited: false });
  }
}
