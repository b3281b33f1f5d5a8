import '@fastify/view';
import { HttpException } from '@nestjs/common';
import { FastifyReply } from 'fastify';

/** A parsed `application/x-www-form-urlencoded` body: a repeated name (checkboxes) becomes an array. */
export type FormBody = Record<string, string | string[] | undefined>;

/**
 * Renders a page with an explicit status. Handlers that may answer a form with its errors use this
 * (with `@Res()`), not exceptions: the exception filter would turn a browser 401 into a redirect.
 */
export async function renderPage(reply: FastifyReply, template: string, context: object, status = 200): Promise<void> {
  await reply.status(status).type('text/html; charset=utf-8').view(template, context);
}

/** Post/Redirect/Get: 303, so reloading the next page doesn't post the form again. */
export async function seeOther(reply: FastifyReply, url: string): Promise<void> {
  await reply.redirect(url, 303);
}

/** One text field of a form (the first, if the name was repeated), trimmed. */
export function field(body: FormBody | undefined, name: string): string {
  const value = body?.[name];
  return (Array.isArray(value) ? value[0] ?? '' : value ?? '').trim();
}

/** Every value of a repeated field (checkboxes, multi-select), empty ones dropped. */
export function fieldList(body: FormBody | undefined, name: string): string[] {
  const value = body?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => v.trim()).filter(Boolean);
}

/**
 * The messages of a refusal the person filling in the form can fix (400 bad input, 409 conflict), to be
 * shown next to the form; anything else is rethrown for the exception filter's page.
 */
export function formErrors(error: unknown): { status: number; messages: string[] } {
  if (error instanceof HttpException && (error.getStatus() === 400 || error.getStatus() === 409)) {
    const body = error.getResponse();
    const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message ?? error.message;
    return { status: error.getStatus(), messages: (Array.isArray(raw) ? raw : [raw]).map(String) };
  }
  throw error;
}

/** Replaces the API's field names at the start of messages with the labels the form shows. */
export function humanise(messages: string[], labels: Record<string, string>): string[] {
  return messages.map((message) => {
    const match = /^([A-Za-z]+)\b(.*)$/s.exec(message);
    return match && labels[match[1]] ? `${labels[match[1]]}${match[2]}` : message;
  });
}

/** Where to go after signing in: only a path on this site (`/x`, not `//host` or `/\host`), else the dashboard. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/dashboard';
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) return '/dashboard';
  if (/^\/(login|logout)(\/|\?|$)/.test(next)) return '/dashboard';
  return next;
}

/** A fixed message for a `?notice=` code after a redirect; unknown codes show nothing (no reflected text). */
export function noticeFor(code: unknown, notices: Record<string, string>): string | undefined {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(notices, code) ? notices[code] : undefined;
}

/** `2026-11-24 20:55 UTC`: unambiguous for staff in any time zone. Empty for no date. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A list page's filters as a query string (without "?"): empty values left out, so links stay short. */
export function queryString(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}
