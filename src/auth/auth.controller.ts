import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { PasswordResetService } from '../users/password-reset.service';
import { UsersService } from '../users/users.service';
import { LoginThrottlerGuard } from './guards/throttling';
import { readCredential } from './guards/access.guard';
import { AuthService } from './auth.service';
import { CurrentActor, Public, Roles } from './decorators/auth.decorators';
import {
  AccessTokenDto,
  ChangePasswordDto,
  LoginDto,
  PasswordResetAcceptedDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from './dto/auth.dto';
import { LOGIN_USER, LocalAuthGuard } from './guards/local-auth.guard';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

/** The one answer to a password-reset request, whether or not the address has an account. */
export const PASSWORD_RESET_ACCEPTED = 'If an account exists for that address, we have sent it a link to choose a new password.';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly resets: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  /** Answers `{accessToken}` and sets the same token as the httpOnly `access_token` cookie. Rate limited. */
  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard, LocalAuthGuard)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiErrors(400, { 401: 'Wrong email or password, or a deactivated user' }, 429)
  async login(
    @Req() request: FastifyRequest & { [LOGIN_USER]: User },
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() _credentials: LoginDto,
  ): Promise<AccessTokenDto> {
    const accessToken = await this.auth.completeLogin(request[LOGIN_USER]);
    setSessionCookie(reply, this.config, accessToken);
    return { accessToken };
  }

  /** Ends this session on the server (its bearer token or cookie stops working at once) and clears the cookie. */
  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: end this session and clear the session cookie' })
  @ApiErrors({ 400: 'A body was sent and is not valid JSON' })
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const credential = readCredential(request);
    await this.auth.endSession(credential.kind === 'bearer' || credential.kind === 'cookie' ? credential.token : undefined);
    clearSessionCookie(reply, this.config);
  }

  /** Ends every session of the signed-in user, on every device. */
  @Post('logout-everywhere')
  @Roles('admin', 'marketer', 'dealer')
  @HttpCode(204)
  @ApiOperation({ summary: 'End every session of the signed-in user' })
  async logoutEverywhere(@CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logoutEverywhere(actor);
    clearSessionCookie(reply, this.config);
  }

  /** The signed-in user. */
  @Get('me')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentActor() actor: Actor) {
    return this.users.get(actor.id!);
  }

  /** Changes the password; every other session ends, this one gets a fresh token (and cookie). Rate limited. */
  @Post('password')
  @Roles('admin', 'marketer', 'dealer')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiOperation({ summary: 'Change your password' })
  @ApiErrors({ 400: 'Invalid request, or the current password is not correct' }, 429)
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() dto: ChangePasswordDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenDto> {
    const accessToken = await this.auth.changePassword(actor, dto.currentPassword, dto.newPassword);
    setSessionCookie(reply, this.config, accessToken);
    return { accessToken };
  }

  /**
   * Emails a one-time link (valid 1 hour) to choose a new password, if the address belongs to an active
   * user. The answer is the same whether or not it does. Rate limited.
   */
  @Post('password-reset')
  @Public()
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  @ApiAcceptedResponse({ type: PasswordResetAcceptedDto })
  @ApiOperation({ summary: 'Email a link to choose a new password' })
  @ApiErrors(400, 429)
  async requestPasswordReset(@Body() dto: PasswordResetRequestDto): Promise<PasswordResetAcceptedDto> {
    await this.resets.requestReset(dto.email);
    return { message: PASSWORD_RESET_ACCEPTED };
  }

  /**
   * Sets the password with the token from the emailed link. The link works once; every session of the
   * user ends. An unknown, expired or used token: 400 with one message for all. Rate limited.
   */
  @Post('password-reset/confirm')
  @Public()
  @HttpCode(204)
  @UseGuards(ThrottlerGuard)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Set a new password with the token from the emailed link' })
  @ApiErrors({ 400: 'Invalid request, or an unknown, expired or used token' }, 429)
  async confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.resets.confirm(dto.token, dto.newPassword);
  }
}

