import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, LogFn, Logger } from 'pino';
import { maskEmails, safeErrorMessage, serializeError, stackFrames } from './safe-error';

/** Path segments that are bearer secrets (invitation, preference, tracked-link and reset tokens). */
const SECRET_PATHS = /^\/(i|p|r|preferences|reset-password|auth\/x\/callback)\/[^/?]+/;

/** Keeps tokens and query strings (emails, codes) out of logs: logs carry ids, not personal data. */
export function redactUrl(url: string): string {
  const path = url.split('?')[0];
  return path.replace(SECRET_PATHS, (_m, prefix: string) => `/${prefix}/:token`);
}

/** Keys whose values are personal data or secrets wherever they appear in a logged object. */
const REDACTED_KEYS = new Set([
  'email', 'emails', 'name', 'firstname', 'lastname', 'fullname', 'phone', 'comment', 'text',
  'password', 'token', 'accesstoken', 'refreshtoken', 'authorization', 'cookie',
  // A database error's values, should one be logged as a plain object.
  'parameters', 'query', 'detail', 'drivererror',
]);
const MAX_DEPTH = 8;

/**
 * What a log call is given, made safe at any depth: errors become SafeError (names and codes, no
 * values), keys in REDACTED_KEYS are censored, email addresses in any string are masked. Only plain
 * objects and arrays are walked; other objects (Fastify's request and reply) go to their serializers.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskEmails(value);
  if (value instanceof Error) return serializeError(value);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1, seen));
  const safe: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    safe[key] = REDACTED_KEYS.has(key.toLowerCase()) ? '[redacted]' : redactDeep(item, depth + 1, seen);
  }
  return safe;
}

/** Every argument of every log call (children included) passes through redactDeep before pino sees it. */
function safeLogArgs(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  const errors = first instanceof Error ? [first] : errorsIn(first);
  // A message that repeats an error's raw message gets the safe one instead.
  const message = (arg: unknown) => {
    const error = errors.find((e) => e.message === arg);
    return error ? safeErrorMessage(error) : redactDeep(arg);
  };
  return [first instanceof Error ? { err: serializeError(first) } : redactDeep(first), ...rest.map(message)];
}

function errorsIn(value: unknown): Error[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).filter((item): item is Error => item instanceof Error);
}

export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'goodword' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      censor: '[redacted]',
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, safeLogArgs(args) as Parameters<LogFn>);
      },
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: unknown) => (err instanceof Error ? serializeError(err) : err),
    },
  }, destination ?? pino.destination(1));
}

/**
 * Nest's own start-up lines: a module loaded, each of ~200 routes mapped. Useful when debugging, noise at a
 * normal start (they scrolled the demo passwords away), so they are logged at debug.
 */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Nest's logger interface over the same pino instance Fastify logs requests with: one JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  private write(level: 'info' | 'warn' | 'error' | 'debug' | 'trace', message: unknown, params: unknown[]) {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (level === 'info' && context && BOOT_CONTEXTS.has(context)) level = 'debug';
    if (message instanceof Error) {
      // No message argument: pino takes the serialised (safe) error's.
      this.pino[level]({ context, err: message });
    } else if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n')) {
      // Nest's own (message, stack): a stack's first line repeats the raw message, so frames only.
      this.pino.error({ context, stack: stackFrames(params[0]) }, String(message));
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
