import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerStorage } from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../common/actor';

/** Webhook calls per API key per minute (a call carries up to 1,000 responses). */
export const WEBHOOK_REQUESTS_PER_MINUTE = 120;
const MINUTE_MS = 60_000;

/**
 * Rate limit per API key for `POST /api/feedback`, on @nestjs/throttler's storage (the global guard has
 * authenticated the key first). Counters live in process memory: each API process enforces its own.
 */
@Injectable()
export class WebhookThrottleGuard implements CanActivate {
  constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Actor }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = `feedback-webhook:${request.user?.type}:${request.user?.id ?? request.ip}`;
    const record = await this.storage.increment(key, MINUTE_MS, WEBHOOK_REQUESTS_PER_MINUTE, MINUTE_MS, 'feedback-webhook');
    void reply.header('X-RateLimit-Limit', WEBHOOK_REQUESTS_PER_MINUTE);
    void reply.header('X-RateLimit-Remaining', Math.max(0, WEBHOOK_REQUESTS_PER_MINUTE - record.totalHits));
    if (record.isBlocked) {
      void reply.header('Retry-After', record.timeToBlockExpire);
      throw new ThrottlerException('Too many webhook calls for this API key: wait a minute, or send batches of up to 1,000 responses');
    }
    return true;
  }
}
