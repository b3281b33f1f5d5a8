import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply } from 'fastify';
import { errorPage } from '../common/http/error-page';
import { AppConfig } from '../config/app-config';
import { isBotRequest } from './bot-filter';
import { ClickRecorder } from './click-recorder.service';
import { TrackedLinksService } from './tracked-links.service';

/**
 * `GET /r/:code` is the hottest route. Over a socket, known and enabled links are answered before Fastify
 * by `RedirectFastPath`; this Fastify route answers everything else on that URL (unknown and disabled links
 * with their pages, query strings, `inject` in tests) the same way. It is registered on Fastify directly,
 * outside Nest's guard, interceptor and pipe chain, and neither logs nor commits per request.
 */
@Injectable()
export class RedirectRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly links: TrackedLinksService,
    private readonly clicks: ClickRecorder,
    private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // a worker process serves no HTTP
    // No helmet: it rebuilds its middleware on every request, and a bodiless 302 needs none of its headers.
    fastify.get<{ Params: { code: string } }>('/r/:code', { helmet: false, config: { accessLog: false } }, async (request, reply) => {
      const link = await this.links.resolve(request.params.code);
      if (!link) return this.page(reply, 404, 'We could not find that link.');
      if (link.disabled) return this.page(reply, 410, 'This recommendation is no longer available.');
      this.clicks.record(link.id, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        referer: request.headers.referer,
        // Fastify answers HEAD through this GET route too: a link checker's HEAD is a bot hit.
        bot: isBotRequest(request.method, request.headers),
      });
      await new Promise<void>((recorded) => this.clicks.afterRecorded(recorded));
      // no-store: every visit must reach us to be counted.
      return reply.header('cache-control', 'no-store').redirect(`${this.config.publicUrl}${link.targetPath}`, 302);
    });
  }

  private page(reply: FastifyReply, statusCode: number, message: string) {
    return reply.code(statusCode).type('text/html; charset=utf-8').view('pages/error.hbs', errorPage(statusCode, message));
  }
}
