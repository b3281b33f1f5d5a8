import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

/**
 * Every GET page route under `/dashboard`, read from the controllers' metadata: a browser test that visits
 * "every staff page" finds out when a new page is added without being visited.
 */
export function staffPageRoutes(app: INestApplication): string[] {
  const routes = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      if (!/^\/?dashboard(\/|$)/.test(base)) continue;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        routes.add(('/' + [base, path].filter((p) => p && p !== '/').join('/')).replace(/\/+/g, '/').replace(/\/$/, ''));
      }
    }
  }
  return [...routes].sort();
}
