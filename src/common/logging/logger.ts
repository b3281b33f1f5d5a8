import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';

/** Path segments that are bearer secrets (invitation, preference, tracked-link and reset tokens). */
const SECRET_PATHS = /^\/(i|p|r|preferences|reset-password|auth\/x\/callback)\/[^/?]+/;

/** Keeps tokens and query strings (emails, codes) out of logs: logs carry ids, not personal data. */
export function redactUrl(url: string): string {
  const path = url.split('?')[0];
  return path.replace(SECRET_PATHS, (_m, prefix: string) => `/${prefix}/:token`);
}

export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'goodword' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.email'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  }, destination ?? pino.destination(1));
}

/** Nest's logger interface over the same pino instance Fastify logs requests with: one JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  private write(level: 'info' | 'warn' | 'error' | 'debug' | 'trace', message: unknown, params: unknown[]) {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n')) {
      this.pino.error({ context, stack: params[0] }, String(message));
    } else if (typeof message === 'object') {
      this.pino[level]({ context, ...(message as object) });
    } else {
      this.pino[level]({ context }, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]) { this.write('info', message, params); }
  error(message: unknown, ...params: unknown[]) { this.write('error', message, params); }
  warn(message: unknown, ...params: unknown[]) { this.write('warn', message, params); }
  debug(message: unknown, ...params: unknown[]) { this.write('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]) { this.write('trace', message, params); }
  fatal(message: unknown, ...params: unknown[]) { this.write('error', message, params); }
}
