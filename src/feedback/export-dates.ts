import { zonedToUtc } from '../common/time/zones';
import { wallTime } from './feedback-fields';

/**
 * Dates as survey tools and spreadsheets write them, told apart by shape and read with CLDR patterns.
 *
 * Numbers: `11/25/2026 10:32:15 AM` (SurveyMonkey), `11/1/2019 8:51:12` (Google Sheets), `25.11.2026 14:05`,
 * `25-11-2026`, `11/25/26 10:32` (a CSV saved by Excel), `2026/11/25 10:32:15`. Month names (English):
 * `Nov 20, 2026 10:04 AM`, `20 November 2026`, `20-Nov-26`. Either may end with its zone: `GMT+1`, `GMT-5:30`,
 * `UTC`, `+01:00`, `-0800`, `Z` (a Google Forms download writes `2026/11/20 10:04:05 AM GMT+1`); such a time is
 * read at its own offset, a time without one as wall time at the location.
 */
const TIME = String.raw`(?:(?<gap> +|T|, ?)\d{1,2}:\d{2}(?<secs>:\d{2})?(?<ampm> ?[AaPp][Mm])?(?<zone> ?(?:(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?|Z|[+-]\d{2}:?\d{2}))?)?`;
const NUMERIC_DATE = new RegExp(String.raw`^(?<a>\d{1,4})(?<sep>[/.-])(?<b>\d{1,2})\k<sep>(?<c>\d{2}|\d{4})${TIME}$`);
const NAMED_DATE = new RegExp(
  String.raw`^(?:(?<month>[A-Za-z]{3,9})\.? (?<day>\d{1,2})(?<comma>,?) (?<year>\d{4})|(?<day2>\d{1,2})(?<sep>[ -])(?<month2>[A-Za-z]{3,9})\.?\k<sep>(?<year2>\d{4}|\d{2}))${TIME}$`,
);

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** 1–12 for an English month name or its abbreviation (`Nov`, `Sept`, `November`), else undefined. */
function monthNumber(text: string): number | undefined {
  const word = text.toLowerCase().replace(/\.$/, '');
  if (word.length < 3) return undefined;
  const index = MONTHS.findIndex((name) => name.startsWith(word));
  return index < 0 ? undefined : index + 1;
}

interface TimeGroups {
  gap?: string;
  secs?: string;
  ampm?: string;
  zone?: string;
}

/** The time part's pattern (`' h:mm:ss a O'`), and what kind of zone it ends with (one kind per column). */
function timePattern(g: TimeGroups): { pattern: string; zoneKind: string } {
  if (g.gap === undefined) return { pattern: '', zoneKind: '' };
  const gap = g.gap === 'T' ? "'T'" : g.gap.startsWith(',') ? g.gap : ' ';
  const ampm = g.ampm ? (g.ampm.startsWith(' ') ? ' a' : 'a') : '';
  const zone = g.zone?.trim();
  // O: GMT±h[:mm] or a bare GMT/UTC; X: Z or ±hh[:mm]; xx/xxx: a numeric offset without or with its colon.
  const zoneToken = !zone ? '' : /^(GMT|UTC)/.test(zone) ? 'O' : zone === 'Z' ? 'X' : zone.includes(':') ? 'xxx' : 'xx';
  const zoneSpace = zone && g.zone!.startsWith(' ') ? ' ' : '';
  return { pattern: `${gap}${g.ampm ? 'h' : 'H'}:mm${g.secs ? ':ss' : ''}${ampm}${zoneToken ? zoneSpace + zoneToken : ''}`, zoneKind: zoneToken + zoneSpace };
}

/**
 * The CLDR patterns these values could be written in: one when the order of day and month can be told (a
 * number above 12, the year first, or the month named), both (month first, then day first) when it can't;
 * undefined for ISO 8601, nothing filled in, or values that are not all dates of one shape.
 */
export function dateFormatChoices(values: string[]): string[] | undefined {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  if (filled.length === 0 || filled.every((v) => /^\d{4}-\d{2}-\d{2}/.test(v))) return undefined;
  return namedDateChoices(filled) ?? numericDateChoices(filled);
}

function numericDateChoices(filled: string[]): string[] | undefined {
  const shapes = filled.map((v) => NUMERIC_DATE.exec(v)?.groups as (TimeGroups & { a: string; sep: string; b: string; c: string }) | undefined);
  if (!shapes.every(Boolean)) return undefined;
  const all = shapes as NonNullable<(typeof shapes)[number]>[];
  const [first] = all;
  const yearFirst = first.a.length === 4;
  const { pattern: time, zoneKind } = timePattern(first);
  // One shape throughout: the same separator, the year in the same place with as many digits, the same kind of zone.
  const same = (g: (typeof all)[number]) =>
    g.sep === first.sep && (g.a.length === 4) === yearFirst && (yearFirst || g.c.length === first.c.length) && timePattern(g).zoneKind === zoneKind;
  if (!all.every(same)) return undefined;
  const sep = first.sep;
  if (yearFirst) return sep === '-' ? undefined : [`yyyy${sep}M${sep}d${time}`];
  const year = first.c.length === 4 ? 'yyyy' : 'yy';
  const monthFirst = `M${sep}d${sep}${year}${time}`;
  const dayFirst = `d${sep}M${sep}${year}${time}`;
  if (all.some((g) => Number(g.b) > 12)) return [monthFirst];
  if (all.some((g) => Number(g.a) > 12)) return [dayFirst];
  // Dots are day first wherever they are used (Germany, Central and Eastern Europe).
  if (sep === '.') return [dayFirst];
  return [monthFirst, dayFirst];
}

/** Dates with the month named: one pattern, or undefined when the values are not all of one such shape. */
function namedDateChoices(filled: string[]): string[] | undefined {
  const patterns = new Set<string>();
  for (const value of filled) {
    const g = NAMED_DATE.exec(value)?.groups;
    if (!g || monthNumber(g.month ?? g.month2) === undefined) return undefined;
    const month = (g.month ?? g.month2).replace(/\.$/, '').length > 3 ? 'MMMM' : 'MMM';
    const { pattern: time } = timePattern(g);
    patterns.add(g.month ? `${month} d${g.comma} yyyy${time}` : `d${g.sep}${month}${g.sep}${g.year2.length === 4 ? 'yyyy' : 'yy'}${time}`);
  }
  // Abbreviated and full names mix (May, June): both read either; the file's first shape names the pattern.
  const shapes = new Set([...patterns].map((p) => p.replace('MMMM', 'MMM')));
  return shapes.size === 1 ? [[...patterns][0]] : undefined;
}

/** A pattern's tokens: runs of one letter, AM/PM, quoted literals, other literals. */
const DATE_TOKENS = /(y+|M+|d+|H+|h+|m+|s+|S+|a|O+|x+|X+|'[^']*'|[^yMdHhmsSaOxX']+)/g;
/** Quoted text, or punctuation and spaces (a bare T too, as in yyyy-MM-ddTHH:mm). */
const LITERAL = /^(?:'[^']*'|[^A-SU-Za-z']+)$/;

/** Whether `pattern` is made only of the tokens `parseWithPattern` reads (and literals). */
export function isDatePattern(pattern: string): boolean {
  const tokens = pattern.match(DATE_TOKENS) ?? [];
  return tokens.join('') === pattern && tokens.some((t) => /^[yMd]/.test(t)) && tokens.every((t) => LITERAL.test(t) || /^(y{2}|y{4}|M{1,4}|d{1,2}|[Hhms]{1,2}|S{1,3}|a|O|OOOO|x{1,3}|X{1,3})$/.test(t));
}

/** A UTC time written with a pattern of the tokens `parseWithPattern` reads (to show a pattern by example). */
export function formatWithPattern(date: Date, pattern: string): string {
  const hour = date.getUTCHours();
  const value: Record<string, number | string> = {
    y: date.getUTCFullYear(), M: date.getUTCMonth() + 1, d: date.getUTCDate(), H: hour, h: hour % 12 || 12, m: date.getUTCMinutes(), s: date.getUTCSeconds(),
  };
  return (pattern.match(DATE_TOKENS) ?? [])
    .map((token) => {
      if (token === 'a') return hour < 12 ? 'AM' : 'PM';
      if (token.startsWith("'")) return token.slice(1, -1);
      if (token[0] === 'O') return 'GMT';
      if (token[0] === 'X') return 'Z';
      if (token[0] === 'x') return token.length === 3 ? '+00:00' : '+0000';
      if (token[0] === 'S') return String(date.getUTCMilliseconds()).padStart(3, '0').slice(0, token.length);
      if (token === 'MMM' || token === 'MMMM') {
        const name = MONTHS[date.getUTCMonth()];
        return name[0].toUpperCase() + (token === 'MMM' ? name.slice(1, 3) : name.slice(1));
      }
      if (!/^[yMdHhms]+$/.test(token)) return token;
      const text = String(value[token[0]]);
      return token[0] === 'y' && token.length === 2 ? text.slice(-2) : text.padStart(token.length, '0');
    })
    .join('');
}

/** Minutes east of UTC in `GMT+5:30`, `UTC`, `+0100`, `-08:00`, `Z`. */
function offsetMinutes(text: string): number {
  const m = /([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
}

/** Patterns as regular expressions with the field each group reads: an import reads every row with its column's one. */
const COMPILED = new Map<string, { regex: RegExp; order: string[] }>();
const MAX_COMPILED = 100;

function compiledPattern(pattern: string): { regex: RegExp; order: string[] } {
  let compiled = COMPILED.get(pattern);
  if (compiled) return compiled;
  let regex = '^';
  const order: string[] = [];
  for (const token of pattern.match(DATE_TOKENS) ?? []) {
    if (/^y+$/.test(token)) (regex += token.length === 2 ? '(\\d{2})' : '(\\d{4})'), order.push(token.length === 2 ? 'yy' : 'y');
    else if (/^M{3,}$/.test(token)) (regex += '([A-Za-z]{3,9})\\.?'), order.push('MMM');
    else if (/^[MdHhms]+$/.test(token)) (regex += token.length === 1 ? '(\\d{1,2})' : '(\\d{2})'), order.push(token[0]);
    else if (/^S+$/.test(token)) (regex += '(\\d{1,9})'), order.push('S');
    else if (token === 'a') (regex += '(AM|PM)'), order.push('a');
    else if (/^O+$/.test(token)) (regex += '((?:GMT|UTC)(?:[+-]\\d{1,2}(?::?\\d{2})?)?)'), order.push('zone');
    else if (/^[xX]+$/.test(token)) (regex += '(Z|[+-]\\d{2}(?::?\\d{2})?)'), order.push('zone');
    else regex += token.replace(/^'|'$/g, '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '\\s+');
  }
  compiled = { regex: new RegExp(regex + '$', 'i'), order };
  // Bounded: patterns come from mappings people write (API, CLI), not only from the few the proposal makes.
  if (COMPILED.size >= MAX_COMPILED) COMPILED.clear();
  COMPILED.set(pattern, compiled);
  return compiled;
}

/**
 * Reads a date with a CLDR pattern (tokens y, M/MMM/MMMM, d, H, h, m, s, S, a, and a zone as O, x or X; others
 * literal): at the offset the value names, else as wall time in `zone`. Null when the value does not fit the
 * pattern or names no real date.
 */
export function parseWithPattern(value: string, pattern: string, zone: string): Date | null {
  const { regex, order } = compiledPattern(pattern);
  const m = regex.exec(value.trim());
  if (!m) return null;
  const v: Record<string, number | string> = { y: 0, M: 1, d: 1, H: 0, h: 0, m: 0, s: 0, S: 0 };
  order.forEach((key, i) => {
    const text = m[i + 1];
    if (key === 'a' || key === 'zone') v[key] = text.toUpperCase();
    else if (key === 'MMM') v.M = monthNumber(text) ?? 0; // 0: no such month, refused below
    else if (key === 'S') v.S = Number(`0.${text}`) * 1000;
    else v[key] = Number(text);
  });
  // A two-digit year (a CSV saved by a spreadsheet) is this century's: survey answers are not from the 1900s.
  if (order.includes('yy')) v.y = 2000 + Number(v.yy);
  let hour = Number(order.includes('h') ? v.h : v.H);
  if (v.a === 'PM' && hour < 12) hour += 12;
  if (v.a === 'AM' && hour === 12) hour = 0;
  const wall = wallTime(Number(v.y), Number(v.M), Number(v.d), hour, Number(v.m), Number(v.s), Math.floor(Number(v.S)));
  if (wall === null) return null;
  return new Date(v.zone === undefined ? zonedToUtc(wall, zone) : wall - offsetMinutes(String(v.zone)) * 60_000);
}

const NAIVE_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/**
 * A date as the file writes it → an ISO 8601 text our field check reads. Naive times (no zone) are
 * wall time in the location's zone; `… UTC`, `Z` and offsets are kept. Unreadable values are returned
 * as they are, so the row is refused with the field check's words.
 */
export function normaliseDate(value: string, pattern: string | undefined, zone: string, headerSaysUtc: boolean): string {
  const text = value.trim();
  if (!text) return text;
  if (pattern) {
    const date = parseWithPattern(text, pattern, headerSaysUtc ? 'UTC' : zone);
    return date ? date.toISOString() : text;
  }
  const naive = NAIVE_ISO.exec(text);
  if (naive && !headerSaysUtc) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = naive;
    // A day that does not exist stays as written, for the field check to refuse in words.
    const wall = wallTime(+y, +mo, +d, +h, +mi, +s, Math.floor(Number(`0.${frac}`) * 1000));
    return wall === null ? text : new Date(zonedToUtc(wall, zone)).toISOString();
  }
  return text;
}
