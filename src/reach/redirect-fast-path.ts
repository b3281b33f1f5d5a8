import proxyAddr from '@fastify/proxy-addr';
import { IncomingMessage, ServerResponse } from 'node:http';
import { isBotRequest } from './bot-filter';
import { ClickRecorder } from './click-recorder.service';
import { CODE_PATTERN, ResolvedLink, TrackedLinksService } from './tracked-links.service';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastPathDeps {
  links: TrackedLinksService;
  clicks: ClickRecorder;
  publicUrl: string;
  trustProxy: boolean | number | string[];
  /** Called once per redirect answered here, with its duration in seconds (metrics). */
  observe?: (seconds: number) => void;
}

/**
 * The tracked-link redirect in front of Fastify: `GET /r/<code>` for a known, enabled link is answered by
 * the Node server directly, before Fastify's routing and the page plugins' hooks (helmet, cookies, views,
 * CSRF), which a bodiless 302 doesn't need — that is what lets it keep up with a bare `http` server.
 * Everything else, including unknown or disabled codes (their friendly 404/410 pages), errors and requests
 * before the app is ready, goes to Fastify, where `RedirectRoute` answers the same URL the same way.
 */
export class RedirectFastPath {
  private deps?: FastPathDeps & { trust: (addr: string, i: number) => boolean };

  attach(deps: FastPathDeps): void {
    this.deps = { ...deps, trust: trustFn(deps.trustProxy) };
  }

  /** A `serverFactory` request handler for Fastify's `http.createServer`. */
  wrap(next: NodeHandler): NodeHandler {
    return (req, res) => {
      const url = req.url ?? '';
      if (!this.deps || req.method !== 'GET' || !url.startsWith('/r/')) return next(req, res);
      const code = url.slice(3);
      if (!CODE_PATTERN.test(code)) return next(req, res); // query strings and odd paths: Fastify's route
      // Anything that goes wrong here is left to Fastify's route and its error handling.
      const fallback = () => void (res.headersSent || next(req, res));
      const started = performance.now(); // a number: no BigInt allocated per request
      // A cached link is handled without a promise, as a bare server would; otherwise it is looked up first.
      const cached = this.deps.links.cached(code);
      if (cached === undefined) {
        this.deps.links.resolve(code).then((link) => this.answer(link, started, req, res, next)).catch(fallback);
        return;
      }
      try {
        this.answer(cached, started, req, res, next);
      } catch {
        fallback();
      }
    };
  }

  private answer(link: ResolvedLink | null, started: number, req: IncomingMessage, res: ServerResponse, next: NodeHandler): void {
    const deps = this.deps!;
    if (!link || link.disabled) return next(req, res);
    deps.clicks.record(link.id, {
      // Without a trusted proxy the address is the socket's (what proxyAddr would return, without its array).
      ip: deps.trustProxy === false ? (req.socket.remoteAddress ?? '') : proxyAddr(req, deps.trust),
      userAgent: req.headers['user-agent'],
      referer: req.headers.referer,
      bot: isBotRequest(req.method, req.headers),
    });
    deps.clicks.afterRecorded(() => {
      // no-store: every visit must reach us to be counted.
      res.writeHead(302, { location: `${deps.publicUrl}${link.targetPath}`, 'cache-control': 'no-store', 'content-length': '0' });
      res.end();
      deps.observe?.((performance.now() - started) / 1000);
    });
  }
}

/** The same proxy trust Fastify applies for `request.ip` (TRUST_PROXY). */
function trustFn(trustProxy: boolean | number | string[]): (addr: string, i: number) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  if (typeof trustProxy === 'number') return (_addr, i) => i < trustProxy;
  return proxyAddr.compile(trustProxy);
}
