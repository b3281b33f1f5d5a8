import '@fastify/view';
import { FastifyReply } from 'fastify';
import { renderPage } from '../web/pages';

/** Which page a customer came from; the fresh-link email then offers the matching links. */
export type LinkKind = 'invitation' | 'preferences';

/**
 * Customer pages reached by a secret link: not cached, not indexed, and the token never leaks
 * through a Referer (helmet already sends Referrer-Policy: no-referrer).
 */
export function privatePage(reply: FastifyReply): void {
  reply.header('Cache-Control', 'no-store').header('X-Robots-Tag', 'noindex, nofollow');
}

/**
 * The one page for an unknown, expired or revoked link, whichever it was (nothing can be learned from
 * it): a 404 with a form to email a fresh link.
 */
export async function renderInvalidLink(reply: FastifyReply, kind: LinkKind): Promise<void> {
  privatePage(reply);
  await renderPage(
    reply,
    'pages/invitation-link-invalid.hbs',
    { title: 'This link is not valid any more', kind, csrfToken: reply.generateCsrf() },
    404,
  );
}
