import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { LinkKind, privatePage } from '../preferences/link-pages';
import { field, FormBody, renderPage } from '../web/pages';
import { FreshLinks } from './fresh-link.service';

/** The "email me a fresh link" form of the not-valid page (the invitation page itself is the recommendations module's). */
@ApiExcludeController()
@Controller()
@Public()
export class InvitationPagesController {
  constructor(private readonly freshLinks: FreshLinks) {}

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
