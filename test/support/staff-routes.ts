import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA as ROUTE_CONFIG } from '@nestjs/platform-fastify/constants';

export interface RegisteredRoute {
  method: string;
  /** With Nest's `:param` placeholders, e.g. `/api/campaigns/:id/launch`. */
  path: string;
  /** The controller and handler, for messages. */
  handler: string;
  /** Its `@RouteConfig` (csrf, …). */
  config: { csrf?: boolean };
}

/** Every route the app registers, read from the controllers' metadata (so a new route can't hide from a test). */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const routes = new Map<string, RegisteredRoute>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[];
        for (const path of paths) {
          const full = ('/' + [base, path].filter((p) => p && p !== '/').join('/')).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
          const verb = RequestMethod[method];
          const config = (Reflect.getMetadata(ROUTE_CONFIG, handler) ?? {}) as RegisteredRoute['config'];
          routes.set(`${verb} ${full}`, { method: verb, path: full, handler: `${type.name}.${name}`, config });
        }
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/**
 * Every GET page route under `/dashboard`: a browser test that visits "every staff page" finds out when a new
 * page is added without being visited.
 */
export function staffPageRoutes(app: INestApplication): string[] {
  return registeredRoutes(app)
    .filter((r) => r.method === 'GET' && /^\/dashboard(\/|$)/.test(r.path))
    .map((r) => r.path);
}

/** Whether a concrete URL is an instance of a route path (`:param` matches one segment). */
export function matchesRoute(path: string, url: string): boolean {
  const pattern = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(url.split('?')[0]);
}
