import '@fastify/view';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { errorPage } from './error-page';
import { wantsHtml } from './wants-html';

/**
 * One error shape for the API — `{statusCode, message: string[], error}` — and a kind page for browsers.
 * Unexpected errors are logged with their stack here and answered as a bare 500: nothing internal leaks.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { statusCode, messages } = this.describe(exception, request);
    // Nest re-wraps Fastify's CSRF errors as a plain 403 HttpException: recognise them by code or message.
    const csrfFailure =
      (exception as { code?: string })?.code?.startsWith('FST_CSRF') ||
      (statusCode === 403 && messages.some((m) => /csrf (token|secret)/i.test(m)));
    const error = STATUS_CODES[statusCode] ?? 'Error';

    if (reply.sent) return;
    if (wantsHtml(request) && statusCode === 401) {
      // A browser without a (valid) staff session goes to the sign-in page and comes back afterwards.
      void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return;
    }
    if (wantsHtml(request)) {
      void reply
        .status(statusCode)
        .type('text/html; charset=utf-8')
        .view(
          'pages/error.hbs',
          errorPage(statusCode, csrfFailure ? 'This form has expired or came from another site. Please go back, reload the page and try again.' : undefined),
        );
      return;
    }
    void reply.status(statusCode).send({ statusCode, message: messages, error });
  }

  private describe(exception: unknown, request: FastifyRequest): { statusCode: number; messages: string[] } {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message ?? exception.message;
      if (statusCode >= 500) this.logger.error(exception);
      return { statusCode, messages: (Array.isArray(raw) ? raw : [raw]).map(String) };
    }
    // Fastify's own errors (body too large, bad JSON, unsupported media type) carry a 4xx statusCode.
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, messages: [(exception as Error).message] };
    }
    this.logger.error({ msg: 'unhandled error', reqId: request.id, err: exception });
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, messages: ['Internal server error'] };
  }
}
