import { Body, Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../users/passwords';
import { UsersService } from '../users/users.service';
import { FormBody, formatDateTime, formErrors, humanise, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { AuthService } from './auth.service';
import { CurrentActor, Roles } from './decorators/auth.decorators';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password is changed. You stay signed in here; every other session has ended.',
};
const LABELS = { currentPassword: 'Current password', newPassword: 'New password' };

/** The signed-in user's own account: password change and "sign out everywhere". */
@ApiExcludeController()
@Controller('dashboard/account')
@Roles('admin', 'marketer', 'dealer')
export class AccountPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@CurrentActor() actor: Actor, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.render(reply, actor, { notice: noticeFor(notice, NOTICES) });
  }

  /** Same rules, audit and rate limit as POST /api/auth/password; this browser gets a fresh session cookie. */
  @Post('password')
  @RouteConfig({ csrf: true })
  @UseGuards(ThrottlerGuard)
  @HttpCode(200)
  async changePassword(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const text = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');
    if (text('newPassword') !== text('confirmPassword')) {
      return this.render(reply, actor, { errors: ["The two new passwords don't match."] }, 400);
    }
    try {
      const token = await this.auth.changePassword(actor, text('currentPassword'), text('newPassword'));
      setSessionCookie(reply, this.config, token);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, { errors: humanise(messages, LABELS) }, status);
    }
    return seeOther(reply, '/dashboard/account?notice=password-changed');
  }

  @Post('logout-everywhere')
  @RouteConfig({ csrf: true })
  async logoutEverywhere(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    await this.auth.logoutEverywhere(actor);
    clearSessionCookie(reply, this.config);
    return seeOther(reply, '/login?notice=signed-out-everywhere');
  }

  private async render(reply: FastifyReply, actor: Actor, data: object, status = 200) {
    const user = await this.users.get(actor.id!);
    const context = staffContext(reply, actor, { title: 'Your account', section: 'account' }, {
      ...data,
      user: { ...user, lastLogin: formatDateTime(user.lastLoginAt), locations: user.locations.join(', ') },
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
    });
    return renderPage(reply, 'pages/staff/account.hbs', context, status);
  }
}
