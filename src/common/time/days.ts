export const DAY_MS = 86_400_000;

/** The day `utcDay` named last: every click asks, nearly all of them about the same day (the redirect's hot path). */
let lastDay = { start: 0, end: 0, label: '' };

/** The UTC day (`YYYY-MM-DD`) of a time in epoch ms (throws a RangeError on NaN, as `toISOString` does). */
export function utcDay(ms: number): string {
  if (!(ms >= lastDay.start && ms < lastDay.end)) {
    const start = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    lastDay = { start, end: start + DAY_MS, label: new Date(start).toISOString().slice(0, 10) };
  }
  return lastDay.label;
}
