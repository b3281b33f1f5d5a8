import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';

/** Sign-in attempts per account (IP + email) and per IP, per minute. */
export const LOGIN_LIMIT_PER_ACCOUNT = 10;
export const LOGIN_LIMIT_PER_IP = 100;
const MINUTE = 60_000;

const ip = (req: Record<string, any>): string => String(req.ip ?? 'unknown');

/** The email being tried, or for signed-in routes (password change) the user: the "account" part of the key. */
function account(req: Record<string, any>): string {
  const email = req.body?.email;
  if (typeof email === 'string') return email.trim().toLowerCase();
  return req.user?.id ?? '';
}

/**
 * Throttlers for routes that check passwords (applied with `@UseGuards(ThrottlerGuard)`, not globally).
 * Counters are kept in process memory: with several API processes each enforces its own limit.
 */
export const AUTH_THROTTLING: ThrottlerModuleOptions = {
  errorMessage: 'Too many attempts. Please wait a minute and try again.',
  throttlers: [
    { name: 'account', ttl: MINUTE, limit: LOGIN_LIMIT_PER_ACCOUNT, getTracker: (req) => `${ip(req)}|${account(req)}` },
    { name: 'ip', ttl: MINUTE, limit: LOGIN_LIMIT_PER_IP, getTracker: ip },
  ],
};

/**
 * The sign-in limit, shared by the sign-in page and `POST /api/auth/login`: one counter per account (IP + email)
 * and one per IP whichever door is used (the default key includes the route, which gave an attacker twice the
 * tries), answered with a standard `Retry-After` in seconds.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected generateKey(_context: ExecutionContext, suffix: string, name: string): string {
    return createHash('sha256').update(`login-${name}-${suffix}`).digest('hex');
  }

  protected async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Retry-After', String(detail.timeToBlockExpire));
    return super.throwThrottlingException(context, detail);
  }
}
