import { CanActivate, ExecutionContext, Inject, Injectable, mixin, Type } from '@nestjs/common';
import { ThrottlerException, ThrottlerStorage } from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';

const MINUTE_MS = 60_000;

/**
 * A per-IP limit for a public route (customer pages, their form posts, the live counter), on
 * @nestjs/throttler's storage: `@UseGuards(IpThrottle('advocate-posts', 60))`. Counters live in process
 * memory, so each API process enforces its own limit.
 */
export function IpThrottle(name: string, perMinute: number): Type<CanActivate> {
  @Injectable()
  class IpThrottleGuard implements CanActivate {
    constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

    async canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      const record = await this.storage.increment(`${name}:${request.ip}`, MINUTE_MS, perMinute, MINUTE_MS, name);
      if (!record.isBlocked) return true;
      void reply.header('Retry-After', record.timeToBlockExpire);
      throw new ThrottlerException('Too many requests from your connection. Please wait a minute and try again.');
    }
  }
  return mixin(IpThrottleGuard);
}
