const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** 7+ digits with the usual separators: phone numbers, also card or account numbers. */
const PHONE = /(?:\+?\d[\d ().-]{5,}\d)/g;
const HONORIFIC = /\b(Mr|Mrs|Ms|Miss|Dr|Sr|Sra|Mme|M)\.?\s+\p{Lu}[\p{L}'-]+/gu;
const NAMED = /\b(named|called|name is|name was|nommé|llamado|llamada)\s+\p{Lu}[\p{L}'-]+/gu;

/**
 * A customer's words safe to quote to staff: email addresses, phone numbers and what looks like a person's
 * name (`names` — staff on the roster, the respondent's own — and "Mr X", "named X") become "…".
 */
export function maskPersonalData(text: string, names: string[] = []): string {
  let masked = text.replace(EMAIL, '[email]').replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 ? '[phone]' : m));
  masked = masked.replace(HONORIFIC, '[name]').replace(NAMED, (_m, cue: string) => `${cue} [name]`);
  const words = [...new Set(names.flatMap((n) => n.split(/\s+/)).filter((w) => w.replace(/\W/g, '').length >= 2))];
  for (const word of words) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    masked = masked.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'), '[name]');
  }
  return masked;
}

/** A quote of at most `max` characters, cut at a word boundary, around `focus` (a character index) when given. */
export function shorten(text: string, max = 160, focus = 0): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  let start = Math.max(0, Math.min(focus - Math.floor(max / 3), clean.length - max));
  if (start > 0) start = clean.indexOf(' ', start) + 1 || start;
  let end = start + max;
  if (end < clean.length) end = clean.lastIndexOf(' ', end) > start ? clean.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '…' : ''}${clean.slice(start, end)}${end < clean.length ? '…' : ''}`;
}
