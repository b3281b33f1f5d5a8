import { isEmail } from 'class-validator';
import { cleanName, stripBidiControls } from '../common/text/invisible-characters';

/**
 * The rules for one feedback response, shared by every door (CSV file, upload, CLI, webhook) so they
 * all accept and refuse the same values with the same reasons. Written as plain functions: a CSV row
 * is checked in about a microsecond, which matters at a million rows (class-validator takes ~20 µs);
 * the webhook DTO (dto/feedback-item.dto.ts) calls the same functions from class-validator decorators.
 */

export type Segment = 'promoter' | 'passive' | 'detractor';
export const SEGMENTS: readonly Segment[] = ['promoter', 'passive', 'detractor'];

/** Promoter 9–10, passive 7–8, detractor 0–6 (DESIGN.md, Definitions). */
export function segmentOf(score: number): Segment {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** A response as it enters the system, validated and normalised. */
export interface FeedbackInput {
  responseId: string;
  /**
   * Trimmed and lower-cased: customers are deduplicated by it. Null when the source collected none (many
   * survey exports): the response counts for NPS and reports, and nobody can be invited from it.
   */
  email: string | null;
  /** Upper-cased, as location codes are stored. */
  locationCode: string;
  score: number;
  name: string | null;
  phone: string | null;
  comment: string | null;
  /** Null when the source did not say: a new response then gets the time of import, a known one keeps its date. */
  respondedAt: Date | null;
  visitedAt: Date | null;
  /** The answer to the marketing question; null when the source did not ask. */
  marketingConsent: boolean | null;
  /** Where the customer met the business (sales, service, …), lower-cased; null when the source did not say. */
  touchpoint: string | null;
}

export type FeedbackField = keyof FeedbackInput;

export const LIMITS = { responseId: 100, email: 254, locationCode: 32, name: 200, phone: 50, comment: 5000, touchpoint: 40 } as const;

/** How each door names the fields in its messages: the CSV contract is snake_case, the JSON API camelCase. */
export const CSV_LABELS: Record<FeedbackField, string> = {
  responseId: 'response_id',
  email: 'email',
  locationCode: 'location_code',
  score: 'score',
  name: 'name',
  phone: 'phone',
  comment: 'comment',
  respondedAt: 'responded_at',
  visitedAt: 'visited_at',
  marketingConsent: 'marketing_consent',
  touchpoint: 'touchpoint',
};
export const JSON_LABELS = Object.fromEntries(Object.keys(CSV_LABELS).map((k) => [k, k])) as Record<FeedbackField, string>;

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(reason: string): Check<T> => ({ ok: false, reason });

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function requiredText(label: string, value: unknown, max: number): Check<string> {
  if (blank(value)) return fail(`${label} is required`);
  if (typeof value !== 'string' && typeof value !== 'number') return fail(`${label} must be text`);
  const text = String(value).trim();
  return text.length > max ? fail(`${label} must be at most ${max} characters`) : ok(text);
}

function optionalText(label: string, value: unknown, max: number): Check<string | null> {
  if (blank(value)) return ok(null);
  if (typeof value !== 'string' && typeof value !== 'number') return fail(`${label} must be text`);
  const text = String(value).trim();
  return text.length > max ? fail(`${label} must be at most ${max} characters`) : ok(text);
}

/** A checked text with the characters that could disguise it removed (see invisible-characters). */
function cleaned(check: Check<string | null>, clean: (text: string) => string): Check<string | null> {
  return check.ok && check.value !== null ? ok(clean(check.value) || null) : check;
}

const WHOLE = /^\d{1,2}(?:\.0+)?$/;

/** 0–10 as a whole number: 7, "7", " 7 " and "7.0" pass; 7.5, "seven", 11 and -1 do not. */
export function checkScore(label: string, value: unknown): Check<number> {
  if (blank(value)) return fail(`${label} is required`);
  const score = typeof value === 'number' ? value : typeof value === 'string' && WHOLE.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(score) || score < 0 || score > 10) return fail(`${label} must be a whole number from 0 to 10`);
  return ok(score);
}

const CONSENT: Record<string, boolean> = { yes: true, no: false, true: true, false: false, '1': true, '0': false };

/** yes/no/true/false/1/0 in any case (or a JSON boolean); empty means the source did not ask. */
export function checkConsent(label: string, value: unknown): Check<boolean | null> {
  if (blank(value)) return ok(null);
  if (typeof value === 'boolean') return ok(value);
  const answer = CONSENT[String(value).trim().toLowerCase()];
  return answer === undefined ? fail(`${label} must be yes, no, true, false, 1 or 0`) : ok(answer);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** A response cannot come from the future; a day of slack covers clocks and time zones. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * A calendar date and clock time (month 1–12) as milliseconds since the epoch, read as UTC; null when no such
 * moment exists (30 February, 24:00, minute 60) rather than rolled over into the next one as Date.UTC would.
 */
export function wallTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number | null {
  const time = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(time);
  const exists = check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return exists ? time : null;
}

/**
 * ISO 8601 dates and date-times: `2026-11-20`, `2026-11-20 10:00`, `2026-11-20T10:00:00Z`,
 * `2026-11-20T10:00:00.123+01:00`, and the spellings survey tools export: `2026-10-31 05:29:00 UTC`
 * (Delighted), `2026-10-31 05:29:00 +0100`. Without a zone the time is UTC. Calendar-checked (no 30
 * February). Other spellings (`11/20/2026`) are refused: their day/month order is ambiguous.
 */
export function checkDate(label: string, value: unknown, now = Date.now()): Check<Date | null> {
  if (blank(value)) return ok(null);
  if (typeof value !== 'string') return fail(`${label} must be an ISO 8601 date such as 2026-11-20 or 2026-11-20T10:00:00Z`);
  const m = ISO.exec(value.trim());
  if (!m) return fail(`${label} is not a date: use ISO 8601 such as 2026-11-20 or 2026-11-20T10:00:00Z`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let time = wallTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
  if (time === null || Number(y) < 1900) return fail(`${label} is not a date: ${value.trim()} does not exist`);
  if (zone && /^[+-]/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  if (time > now + FUTURE_SLACK_MS) return fail(`${label} is in the future`);
  return ok(new Date(time));
}

/**
 * Plain ASCII addresses that class-validator's isEmail certainly accepts (dot-atom local part of
 * letters, digits and `_%+-`; host labels of letters, digits and inner hyphens; an alphabetic TLD), so
 * the common case skips isEmail, whose byte-length checks dominate a large import. Everything else
 * goes through isEmail itself. feedback-fields.spec.ts checks the two agree.
 */
const PLAIN_EMAIL = /^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function isValidEmail(email: string): boolean {
  if (email.length > LIMITS.email) return false;
  const at = email.indexOf('@');
  if (at > 0 && at <= 64 && PLAIN_EMAIL.test(email)) return true;
  return isEmail(email);
}

/** Trimmed, lower-cased and checked with the same rule as class-validator's @IsEmail; blank is no email (null). */
export function checkEmail(label: string, value: unknown): Check<string | null> {
  if (blank(value)) return ok(null);
  if (typeof value !== 'string') return fail(`${label} must be an email address`);
  const email = value.trim().toLowerCase();
  if (!isValidEmail(email)) return fail(`${label} must be an email address`);
  return ok(email);
}

export function checkLocationCode(label: string, value: unknown): Check<string> {
  const text = requiredText(label, value, LIMITS.locationCode);
  return text.ok ? ok(text.value.toUpperCase()) : text;
}

/** Each field's check, by name; the webhook DTO's decorators call these too. */
export const FIELD_CHECKS: { [K in FeedbackField]: (label: string, value: unknown, now?: number) => Check<FeedbackInput[K]> } = {
  responseId: (label, value) => requiredText(label, value, LIMITS.responseId),
  email: checkEmail,
  locationCode: checkLocationCode,
  score: checkScore,
  name: (label, value) => cleaned(optionalText(label, value, LIMITS.name), cleanName),
  phone: (label, value) => optionalText(label, value, LIMITS.phone),
  comment: (label, value) => cleaned(optionalText(label, value, LIMITS.comment), stripBidiControls),
  respondedAt: checkDate,
  visitedAt: checkDate,
  marketingConsent: checkConsent,
  touchpoint: (label, value) => {
    const text = optionalText(label, value, LIMITS.touchpoint);
    return text.ok ? ok(text.value === null ? null : text.value.toLowerCase()) : text;
  },
};

const FIELDS = Object.keys(FIELD_CHECKS) as FeedbackField[];

/** Validates and normalises one response; every problem is listed, in field order. */
export function parseFeedback(
  raw: Partial<Record<FeedbackField, unknown>>,
  labels: Record<FeedbackField, string>,
  now = Date.now(),
): { value: FeedbackInput; errors: null } | { value: null; errors: string[] } {
  const value = {} as Record<FeedbackField, unknown>;
  const errors: string[] = [];
  for (const field of FIELDS) {
    const result = FIELD_CHECKS[field](labels[field], raw[field], now);
    if (result.ok) value[field] = result.value;
    else errors.push(result.reason);
  }
  return errors.length ? { value: null, errors } : { value: value as unknown as FeedbackInput, errors: null };
}
