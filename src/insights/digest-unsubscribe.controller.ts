import { Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { wantsHtml } from '../common/http/wants-html';
import { renderPage } from '../web/pages';
import { DigestService } from './digest.service';

const hint = (email: string) => email.replace(/^(.)[^@]*(@.*)$/, '$1…$2');

/**
 * `/digest/unsubscribe?t=…`: the weekly digest's one-click unsubscribe (RFC 8058 POST, no cookie or CSRF
 * token: the signed token authenticates). A GET only asks, since mail scanners follow links. Rate limited
 * per IP like the sign-in routes (a token is an HMAC: guessing one is hopeless, but no public route is free).
 */
@ApiExcludeController()
@Controller('digest')
@Public()
@UseGuards(ThrottlerGuard)
export class DigestUnsubscribeController {
  constructor(private readonly digests: DigestService) {}

  @Get('unsubscribe')
  async confirm(@Query('t') token: string | undefined, @Res() reply: FastifyReply) {
    reply.header('Cache-Control', 'no-store');
    const email = this.digests.emailOf(token);
    if (!email) return renderPage(reply, 'pages/digest-unsubscribe.hbs', { title: 'Unknown link', invalid: true }, 404);
    return renderPage(reply, 'pages/digest-unsubscribe.hbs', { title: 'Stop the weekly email', token, emailHint: hint(email) });
  }

  @Post('unsubscribe')
  @HttpCode(200)
  async unsubscribe(@Query('t') token: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    reply.header('Cache-Control', 'no-store');
    const done = await this.digests.unsubscribe(token);
    if (!wantsHtml(request)) return reply.status(done ? 200 : 404).type('text/plain; charset=utf-8').send(done ? 'Unsubscribed\n' : 'Unknown link\n');
    if (!done) return renderPage(reply, 'pages/digest-unsubscribe.hbs', { title: 'Unknown link', invalid: true }, 404);
    return renderPage(reply, 'pages/digest-unsubscribe.hbs', { title: 'Unsubscribed', done: true });
  }
}
