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

/** Whole UTC days, both ends included (`YYYY-MM-DD`). */
export interface DayRange {
  from: string;
  to: string;
}

/** The epoch ms at which a UTC day (`YYYY-MM-DD`) begins (NaN for a string that is no date). */
export const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * "The last N days": N whole UTC days up to and including today. The reports' presets and the staff home's
 * figures both count this way, so the home page's "last 30 days" is the report's default range to the response.
 */
export function lastDays(days: number, now: number): DayRange {
  const to = utcDay(now);
  return { from: utcDay(dayMs(to) - (days - 1) * DAY_MS), to };
}

/** How many days a range holds. */
export const spanDays = (range: DayRange) => Math.round((dayMs(range.to) - dayMs(range.from)) / DAY_MS) + 1;

/** As many days as `range` holds, just before it: what a range is compared with. */
export function daysBefore(range: DayRange): DayRange {
  const span = spanDays(range);
  return { from: utcDay(dayMs(range.from) - span * DAY_MS), to: utcDay(dayMs(range.from) - DAY_MS) };
}
