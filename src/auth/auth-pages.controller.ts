import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { isEmail } from 'class-validator';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { INVALID_PASSWORD_LINK, PasswordResetService } from '../users/password-reset.service';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../users/passwords';
import { field, FormBody, formErrors, humanise, noticeFor, renderPage, safeNext, seeOther } from '../web/pages';
import { LoginThrottlerGuard } from './guards/throttling';
import { AuthService, INVALID_CREDENTIALS } from './auth.service';
import { Public } from './decorators/auth.decorators';
import { ACCESS_TOKEN_COOKIE, clearSessionCookie, setSessionCookie } from './session-cookie';

const LOGIN_NOTICES: Record<string, string> = {
  'signed-out': 'You have signed out.',
  'signed-out-everywhere': 'You have signed out on every device.',
  'password-set': 'Your password is set. Please sign in with it.',
};

const PASSWORD_LABELS = { password: 'Password', newPassword: 'Password' };

type CookieRequest = FastifyRequest & { cookies?: Record<string, string | undefined> };

/** Sign-in, sign-out and "forgot password" pages: the browser side of /api/auth, for people without JavaScript too. */
@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  @Get('login')
  @Public()
  async loginPage(@Req() request: CookieRequest, @Res() reply: FastifyReply, @Query() query: Record<string, unknown>) {
    const cookie = request.cookies?.[ACCESS_TOKEN_COOKIE];
    if (cookie) {
      if (await this.auth.authenticateToken(cookie)) return seeOther(reply, safeNext(query.next));
      clearSessionCookie(reply, this.config); // expired or revoked: don't send it again
    }
    const next = typeof query.next === 'string' ? query.next : '';
    return renderPage(reply, 'pages/auth/login.hbs', this.page(reply, 'Sign in', { next, notice: noticeFor(query.notice, LOGIN_NOTICES) }));
  }

  /** Same checks, audit and rate limit as POST /api/auth/login; answers the page, never a JSON error. */
  @Post('login')
  @Public()
  @RouteConfig({ csrf: true })
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  async login(@Body() body: FormBody, @Res() reply: FastifyReply) {
    const email = field(body, 'email');
    const password = typeof body?.password === 'string' ? body.password : '';
    const next = field(body, 'next');
    const again = (status: number, error: string) =>
      renderPage(reply, 'pages/auth/login.hbs', this.page(reply, 'Sign in', { email, next, error }), status);
    if (!email || !password) return again(400, 'Enter your email address and your password.');
    if (password.length > PASSWORD_MAX_LENGTH) return again(401, INVALID_CREDENTIALS);
    let token: string;
    let landing: string;
    try {
      const user = await this.auth.verifyLogin(email, password);
      // A location manager lands on their locations' report; others on the staff home.
      landing = !next && user.role === 'dealer' ? '/dashboard/reports' : safeNext(next);
      token = await this.auth.completeLogin(user);
    } catch (error) {
      if (error instanceof UnauthorizedException) return again(401, INVALID_CREDENTIALS);
      throw error;
    }
    setSessionCookie(reply, this.config, token);
    return seeOther(reply, landing);
  }

  @Post('logout')
  @Public()
  @RouteConfig({ csrf: true })
  async logout(@Req() request: CookieRequest, @Res() reply: FastifyReply) {
    await this.auth.endSession(request.cookies?.[ACCESS_TOKEN_COOKIE]);
    clearSessionCookie(reply, this.config);
    return seeOther(reply, '/login?notice=signed-out');
  }

  @Get('forgot-password')
  @Public()
  forgotPasswordPage(@Res() reply: FastifyReply) {
    return renderPage(reply, 'pages/auth/forgot-password.hbs', this.page(reply, 'Forgot your password?'));
  }

  /** The same page whether or not the address has an account (the email is the only proof of ownership). */
  @Post('forgot-password')
  @Public()
  @RouteConfig({ csrf: true })
  @UseGuards(ThrottlerGuard)
  @HttpCode(200)
  async forgotPassword(@Body() body: FormBody, @Res() reply: FastifyReply) {
    const email = field(body, 'email');
    if (!isEmail(email) || email.length > 254) {
      return renderPage(
        reply,
        'pages/auth/forgot-password.hbs',
        this.page(reply, 'Forgot your password?', { email, error: 'Enter your email address, such as ana@example.com.' }),
        400,
      );
    }
    await this.resets.requestReset(email);
    return renderPage(reply, 'pages/auth/forgot-password-sent.hbs', this.page(reply, 'Check your email', {}, false));
  }

  @Get('reset-password/:token')
  @Public()
  async resetPasswordPage(@Param('token') token: string, @Res() reply: FastifyReply) {
    const link = await this.resets.inspect(token);
    if (!link) return this.invalidLink(reply);
    return renderPage(reply, 'pages/auth/reset-password.hbs', this.resetContext(reply, token, link.purpose === 'invitation'));
  }

  @Post('reset-password/:token')
  @Public()
  @RouteConfig({ csrf: true })
  @UseGuards(ThrottlerGuard)
  @HttpCode(200)
  async resetPassword(@Param('token') token: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const password = typeof body?.password === 'string' ? body.password : '';
    const confirm = typeof body?.confirmPassword === 'string' ? body.confirmPassword : '';
    const link = await this.resets.inspect(token);
    if (!link) return this.invalidLink(reply);
    const invitation = link.purpose === 'invitation';
    if (password !== confirm) {
      return renderPage(reply, 'pages/auth/reset-password.hbs', this.resetContext(reply, token, invitation, ["The two passwords don't match."]), 400);
    }
    try {
      await this.resets.confirm(token, password);
    } catch (error) {
      const { status, messages } = formErrors(error);
      if (messages.includes(INVALID_PASSWORD_LINK)) return this.invalidLink(reply);
      return renderPage(reply, 'pages/auth/reset-password.hbs', this.resetContext(reply, token, invitation, humanise(messages, PASSWORD_LABELS)), status);
    }
    return seeOther(reply, '/login?notice=password-set');
  }

  private invalidLink(reply: FastifyReply) {
    return renderPage(reply, 'pages/auth/reset-invalid.hbs', this.page(reply, 'This link does not work', { message: INVALID_PASSWORD_LINK }, false), 400);
  }

  private resetContext(reply: FastifyReply, token: string, invitation: boolean, errors?: string[]) {
    return this.page(reply, invitation ? 'Choose your password' : 'Choose a new password', {
      token,
      invitation,
      errors,
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
    });
  }

  /** Context for a signed-out page: no staff navigation; a CSRF token when the page has a form. */
  private page(reply: FastifyReply, title: string, data: object = {}, withForm = true) {
    reply.header('Cache-Control', 'no-store');
    return { ...data, title, ...(withForm ? { csrfToken: reply.generateCsrf() } : {}) };
  }
}
