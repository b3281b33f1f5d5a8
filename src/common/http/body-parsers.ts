import { BadRequestException } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import { parse as parseQueryString } from 'node:querystring';
import { findNul, nulMessage } from '../validation/nul-characters';

/** Deepest JSON accepted: our bodies are two or three levels deep; deeper only serves to exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, counted without parsing (stops counting past `limit`). Linear, no recursion. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * JSON and form bodies, parsed by us instead of Nest's defaults:
 * - JSON deeper than MAX_JSON_DEPTH is a 400 before anything recurses over it (validation, class-transformer
 *   and the logger would overflow the stack on `[[[…]]]`); the size limit stays Fastify's `bodyLimit`.
 * - An empty JSON body (many clients send `content-type: application/json` on a bodiless POST) is no body.
 * Registered before `init()`, so Nest doesn't add its own parsers.
 */
export function useBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      return done(new BadRequestException(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`), undefined);
    }
    parseJson(request, text, done);
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (_request, body, done) => {
    // As Nest's own form parser: repeated names become arrays, no limit on the number of fields.
    done(null, parseQueryString(body.toString('utf8'), '&', '=', { maxKeys: 0 }));
  });
}

/**
 * Refuses NUL characters in the body, query string and route parameters of every request with a 400 that
 * names the field. A route whose handler judges its items one by one (the webhook) opts out for its body with
 * `@RouteConfig({ nulCheckedByHandler: true })`.
 */
export function rejectNulCharacters(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
    const found =
      prefixed('query', findNul(request.query)) ??
      prefixed('params', findNul(request.params)) ??
      (request.routeOptions.config.nulCheckedByHandler ? null : prefixed('body', findNul(request.body)));
    done(found ? new BadRequestException(nulMessage(found)) : undefined);
  });
}

const prefixed = (where: string, path: string | null) => (path === null ? null : `${where}.${path}`);
