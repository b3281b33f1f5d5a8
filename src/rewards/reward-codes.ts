import { randomBytes } from 'node:crypto';

/** 32 symbols, none that read alike (no 0/O, 1/I): 5 bits each, and 256 is a multiple of 32, so no bias. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 13 symbols × 5 bits = 65 random bits (the issue asks for at least 64). */
export const RANDOM_SYMBOLS = 13;
export const PREFIX_PATTERN = /^[A-Z2-9]{1,12}$/;

/** "WASH-7KQM-X3PD-9ZRTA": the prefix, then 65 random bits in groups a person can read out at a till. */
export function generateCode(prefix: string | null): string {
  const bytes = randomBytes(RANDOM_SYMBOLS);
  const symbols = Array.from(bytes, (b) => CODE_ALPHABET[b & 31]).join('');
  const groups = [symbols.slice(0, 4), symbols.slice(4, 8), symbols.slice(8)];
  return [...(prefix ? [prefix] : []), ...groups].join('-');
}

/** How a code is typed at a point of sale: case, spaces and dashes don't matter for generated codes. */
export function normaliseCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/** A pool code as the vendor made it: printable, no spaces, up to 64 characters. */
export const POOL_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{2,63}$/;

export interface PoolFileProblem {
  line: number;
  reason: string;
}

/**
 * A pool file: one code per line (a first line `code` is a header; a first CSV column is taken, the rest
 * ignored). Blank lines, malformed codes and duplicates are refused with their line numbers; a trailing
 * line break is not a blank line.
 */
export function parsePoolFile(text: string): { codes: { line: number; code: string }[]; problems: PoolFileProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const codes: { line: number; code: string }[] = [];
  const problems: PoolFileProblem[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    const first = raw.split(/[,;]/, 1)[0].trim().replace(/^"(.*)"$/, '$1').trim();
    if (line === 1 && /^(code|codes|reward code|reward_code)$/i.test(first)) return;
    if (first === '') return void problems.push({ line, reason: 'Blank line: every line needs a code.' });
    const code = normaliseCode(first);
    if (!POOL_CODE_PATTERN.test(code)) {
      return void problems.push({ line, reason: 'Not a code: 3-64 letters, digits or . _ : / + - and no spaces.' });
    }
    const previous = seen.get(code);
    if (previous) return void problems.push({ line, reason: `Duplicate of line ${previous}.` });
    seen.set(code, line);
    codes.push({ line, code });
  });
  if (codes.length === 0 && problems.length === 0) problems.push({ line: 1, reason: 'The file has no codes.' });
  return { codes, problems };
}
