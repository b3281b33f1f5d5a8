import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { rejectNulCharacters, useBodyParsers } from './common/http/body-parsers';
import './common/http/route-config';
import { CsvResponseInterceptor } from './common/http/csv-response.interceptor';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { tuneGarbageCollector } from './common/runtime/gc-tuning';
import { createHandlebars, TEMPLATES_DIR } from './common/views/handlebars';
import { AppConfig } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';
import { ClickRecorder } from './reach/click-recorder.service';
import { RedirectFastPath } from './reach/redirect-fast-path';
import { TrackedLinksService } from './reach/tracked-links.service';
import { SettingsService } from './settings/settings.service';

/** Largest JSON body (a webhook batch of 1,000 responses fits); uploads have their own limit. */
const BODY_LIMIT = 2 * 1024 * 1024;
export const UPLOAD_LIMIT = 512 * 1024 * 1024;

/** Builds the HTTP application exactly as production runs it; tests call this too, then `init()`. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  tuneGarbageCollector();
  const logger = createRootLogger(config.logLevel);
  const redirects = new RedirectFastPath();
  const adapter = new FastifyAdapter({
    // Tracked-link redirects are answered in front of Fastify (see RedirectFastPath).
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => createServer(redirects.wrap(handler)),
    loggerInstance: logger,
    // One access-log line per request is written by our onResponse hook (route pattern, no query string).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
  });

  useBodyParsers(app, BODY_LIMIT);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.publicUrl.startsWith('https:') ? [] : null,
      },
    },
    hsts: config.publicUrl.startsWith('https:'),
  });
  await app.register(fastifyCookie, { secret: config.jwtSecret });
  const secureCookies = config.publicUrl.startsWith('https:');
  await app.register(fastifyCsrf, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies, signed: true },
    // Form field first; a multipart upload (whose body isn't parsed yet) carries it in the action URL's query.
    getToken: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.query as { _csrf?: string } | undefined)?._csrf ??
      (req.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(fastifyMultipart, { limits: { fileSize: UPLOAD_LIMIT, files: 1, fields: 10 } });
  await app.register(fastifyStatic, {
    root: join(TEMPLATES_DIR, 'assets'),
    prefix: '/assets/',
    maxAge: config.isProduction ? '1d' : 0,
  });
  app.setViewEngine({
    engine: { handlebars: createHandlebars() },
    templates: TEMPLATES_DIR,
    layout: 'layouts/main.hbs',
    defaultContext: { brandName: config.brandName },
  });

  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalInterceptors(new CsvResponseInterceptor());

  // Pages show the brand from the admin settings (cached), falling back to BRAND_NAME.
  const settings = app.get(SettingsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preHandler', (request, reply, done) => {
      // A callback hook, not async: most requests skip it, and the redirect path shouldn't pay for a promise.
      if (/^\/(api|r|health|metrics|assets)\//.test(request.url)) return done();
      settings.get().then((current) => {
        // `locals` is decorated by @fastify/view (untyped there) and merged into every view's context.
        const withLocals = reply as typeof reply & { locals: Record<string, unknown> | null };
        withLocals.locals = { ...withLocals.locals, brandName: current.brandName };
        done();
      }, done);
    });

  const metrics = app.get(MetricsService);
  const redirectTimer = metrics.httpDuration.labels('GET', '/r/:code', '302');
  redirects.attach({
    links: app.get(TrackedLinksService),
    clicks: app.get(ClickRecorder),
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    observe: (seconds) => redirectTimer.observe(seconds),
  });
  const fastify = app.getHttpAdapter().getInstance();
  rejectNulCharacters(fastify);
  // Form posts opt in with @RouteConfig({ csrf: true }); the plugin answers 403 before the handler runs.
  fastify.addHook('preHandler', (request, reply, done) => {
    if (request.routeOptions.config.csrf) return fastify.csrfProtection(request, reply, done);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.labels(request.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    if (request.routeOptions.config.accessLog !== false) {
      request.log.info({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });

  // Swagger UI ships inline <style> blocks; only its pages get 'unsafe-inline' styles (scripts stay 'self').
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const csp = reply.getHeader('content-security-policy');
    if (request.url.startsWith('/api/docs') && typeof csp === 'string') {
      reply.header('content-security-policy', csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    }
    done(null, payload);
  });

  const openApi = new DocumentBuilder()
    .setTitle('Goodword API')
    .setDescription('Staff authenticate with a bearer JWT from POST /api/auth/login; machines with X-Api-Key.')
    .setVersion('1')
    .addServer(config.publicUrl)
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));

  return app;
}
