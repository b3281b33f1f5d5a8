import { isbot } from 'isbot';
import { IncomingHttpHeaders } from 'node:http';

/**
 * Link-preview fetchers that the maintained `isbot` list misses. Checked against it (bot-filter.spec.ts):
 * Twitterbot, facebookexternalhit, LinkedInBot, Slackbot, WhatsApp, TelegramBot, Discordbot and the
 * iMessage/Applebot previews are all in `isbot`; Outlook and other Office apps, which fetch every link in a
 * mail or document to preview or scan it, are not.
 */
const PREVIEW_FETCHERS = /^Microsoft Office\/|\bms-office\b|\bMSOffice\b/i;

/**
 * Crawlers, link-preview fetchers and scripts. Social networks fetch every shared link to build its card;
 * counting those as visitors would inflate reach, so they are recorded as bots. A missing or truncated user
 * agent is no browser either.
 */
export function isBot(userAgent: string | undefined): boolean {
  if (!userAgent || userAgent.length < 8) return true;
  // Every visit asks this, and a few browser versions send most of them: `isbot`'s pattern runs once per agent.
  let known = verdicts.get(userAgent);
  if (known === undefined) {
    known = isbot(userAgent) || PREVIEW_FETCHERS.test(userAgent);
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear(); // bounded: a flood of made-up agents can't grow it
    verdicts.set(userAgent, known);
  }
  return known;
}

const MAX_VERDICTS = 5000;
const verdicts = new Map<string, boolean>();

/**
 * A request no person asked for: a bot's, a browser's speculative prefetch (`Sec-Purpose`/`Purpose:
 * prefetch`, which also covers `prefetch;prerender`), or a `HEAD` (link checkers; a browser following a link
 * sends `GET`). Such hits are stored and counted apart, never as people.
 */
export function isBotRequest(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  return method === 'HEAD' || isPrefetch(headers['sec-purpose']) || isPrefetch(headers.purpose) || isBot(headers['user-agent']);
}

function isPrefetch(purpose: string | string[] | undefined): boolean {
  return typeof purpose === 'string' && purpose.toLowerCase().includes('prefetch');
}
