import { FastifyRequest } from 'fastify';

/** Pages answer HTML; the JSON API, health and metrics answer JSON, whatever the Accept header says. */
export function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  if (/^\/(api|health|metrics)(\/|$)/.test(path)) return false;
  return (request.headers.accept ?? '').includes('text/html');
}
