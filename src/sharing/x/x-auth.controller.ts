import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../../auth/decorators/auth.decorators';
import { renderPage, seeOther } from '../../web/pages';
import { withQueryFlag } from './local-path';
import { XConnectError, XOAuthStateError } from './x-errors';
import { XOAuthService } from './x-oauth.service';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * X's fixed OAuth redirect (`/auth/x/callback`): completes the connection and sends the customer back to
 * the page they came from with `?x=connected` or `?x=failed`. A state we can't trust (unknown, expired,
 * used) gets a kind page instead of a redirect: its stored path may carry the invitation token.
 */
@ApiExcludeController()
@Controller('auth/x')
export class XAuthController {
  constructor(private readonly oauth: XOAuthService) {}

  @Get('callback')
  @Public()
  async callback(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    if (!this.oauth.enabled) {
      return renderPage(reply, 'pages/error.hbs', {
        title: 'Posting to X is not available',
        message: 'This site does not post to X for you. You can still share your recommendation with the share links on its page.',
      }, 404);
    }
    try {
      const result = await this.oauth.complete({ state: text(query.state), code: text(query.code), error: text(query.error) });
      return seeOther(reply, withQueryFlag(result.returnTo, 'x', 'connected'));
    } catch (error) {
      if (error instanceof XConnectError) return seeOther(reply, withQueryFlag(error.returnTo, 'x', 'failed'));
      if (!(error instanceof XOAuthStateError)) throw error;
      return renderPage(reply, 'pages/error.hbs', {
        title: 'This X sign-in link has expired',
        message: 'Please go back to the page you came from (the link in your email) and choose "Post it for me on X" again.',
      }, 400);
    }
  }
}
