import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { API_KEY_HEADER, ApiKeysService } from '../../api-keys/api-keys.service';
import { Actor, StaffRole } from '../../common/actor';
import { AppConfig } from '../../config/app-config';
import { AuthService } from '../auth.service';
import { API_KEY_ALLOWED, IS_PUBLIC, ROLES } from '../decorators/auth.decorators';
import { ACCESS_TOKEN_COOKIE } from '../session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Credential =
  | { kind: 'bearer'; token: string }
  | { kind: 'cookie'; token: string }
  | { kind: 'api_key'; key: string }
  | { kind: 'none' };

/**
 * The global guard: deny by default.
 * - `@Public()` routes pass without credentials.
 * - A route must name its audience (`@Roles(...)` and/or `@ApiKeyAllowed()`); one that names none is
 *   refused with 403 for everyone, so a forgotten decorator fails closed.
 * - Staff authenticate with `Authorization: Bearer <jwt>` or the `access_token` cookie (same JWT),
 *   machines with `X-Api-Key`; no or bad credentials → 401, the wrong role or a key on a staff route → 403.
 * - A cookie-authenticated unsafe request coming from another site is refused (403): the cookie is
 *   SameSite=Lax, and this also covers sibling subdomains and old browsers.
 * Sets `request.user` to the Actor (see `@CurrentActor()`).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);
  private readonly warned = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES, targets);
    const apiKeyAllowed = this.reflector.getAllAndOverride<boolean>(API_KEY_ALLOWED, targets) ?? false;
    if (!roles?.length && !apiKeyAllowed) {
      this.warnUndeclared(context);
      throw new ForbiddenException('This route is not open to anyone');
    }

    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Actor }>();
    const credential = readCredential(request);
    const actor = await this.authenticate(credential);
    if (!actor) {
      throw new UnauthorizedException(credential.kind === 'none' ? 'Please sign in' : 'Invalid or expired credentials');
    }

    if (actor.type === 'api_key') {
      if (!apiKeyAllowed) throw new ForbiddenException('API keys cannot call this route');
    } else if (!roles?.includes(actor.role!)) {
      throw new ForbiddenException('Your role does not allow this');
    }
    if (credential.kind === 'cookie' && !SAFE_METHODS.has(request.method) && isCrossSite(request, new URL(this.config.publicUrl).origin)) {
      throw new ForbiddenException('Cross-site request refused');
    }
    request.user = actor;
    return true;
  }

  private authenticate(credential: Credential): Promise<Actor | null> {
    switch (credential.kind) {
      case 'bearer':
      case 'cookie':
        return this.auth.authenticateToken(credential.token);
      case 'api_key':
        return this.apiKeys.authenticate(credential.key);
      default:
        return Promise.resolve(null);
    }
  }

  private warnUndeclared(context: ExecutionContext): void {
    const name = `${context.getClass().name}.${context.getHandler().name}`;
    if (this.warned.has(name)) return;
    this.warned.add(name);
    this.logger.warn(`${name} has neither @Public(), @Roles() nor @ApiKeyAllowed(): refused for everyone`);
  }
}

/** An X-Api-Key header wins; then a bearer token; then the session cookie. */
export function readCredential(request: FastifyRequest): Credential {
  const key = request.headers[API_KEY_HEADER];
  if (typeof key === 'string' && key.length > 0) return { kind: 'api_key', key: key.trim() };
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? { kind: 'bearer', token: match[1] } : { kind: 'none' };
  }
  const cookie = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[ACCESS_TOKEN_COOKIE];
  return cookie ? { kind: 'cookie', token: cookie } : { kind: 'none' };
}

/**
 * Fetch metadata first (every current browser sends it); otherwise compare Origin with PUBLIC_URL and
 * Host. A request with neither header is not from a browser page, so it cannot be a forged one.
 */
function isCrossSite(request: FastifyRequest, publicOrigin: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    const url = new URL(origin);
    return url.origin !== publicOrigin && url.host !== request.headers.host;
  } catch {
    return true;
  }
}
