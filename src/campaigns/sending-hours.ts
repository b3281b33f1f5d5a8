/** Local hours [start, end) in which a location's customers may be emailed; {0, 24} is all day, start > end wraps past midnight. */
export interface SendingHours {
  start: number;
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      // An unknown zone (the locations module validates them, but rows may predate that): treat as UTC.
      format = formatter('UTC');
    }
    formatters.set(timeZone, format);
  }
  return format;
}

/** Hour, minute and second on the wall clock of `timeZone` at `at`. */
export function localTime(timeZone: string, at: Date): { hour: number; minute: number; second: number } {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour') % 24, minute: get('minute'), second: get('second') };
}

export function isAllDay(hours: SendingHours): boolean {
  return hours.start === 0 && hours.end === 24;
}

export function withinSendingHours(hours: SendingHours, timeZone: string, at: Date): boolean {
  if (isAllDay(hours)) return true;
  const { hour } = localTime(timeZone, at);
  return hours.start < hours.end ? hour >= hours.start && hour < hours.end : hour >= hours.start || hour < hours.end;
}

/** Milliseconds until the location's sending hours open (0 when they are open now). */
export function msUntilSendingHours(hours: SendingHours, timeZone: string, at: Date): number {
  if (withinSendingHours(hours, timeZone, at)) return 0;
  const { minute, second } = localTime(timeZone, at);
  // Hours open on a local hour boundary; try each coming one (re-reading the clock handles DST changes).
  let candidate = at.getTime() + ((60 - minute) * 60 - second) * 1000 - at.getUTCMilliseconds();
  for (let i = 0; i < 26; i++, candidate += 3600_000) {
    if (withinSendingHours(hours, timeZone, new Date(candidate))) return candidate - at.getTime();
  }
  return 3600_000; // unreachable for valid hours; try again in an hour
}
