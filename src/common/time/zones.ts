/**
 * One formatter per zone: making one costs ~50 µs, using it ~2 µs, and an import reads a time per row. Only zones
 * Intl knows get here (it throws on others), so the map holds at most the IANA list.
 */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = FORMATTERS.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    FORMATTERS.set(zone, formatter);
  }
  return formatter;
}

/** Minutes to add to UTC to get the wall time in `zone` at `utcMs`. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** Wall-clock time in `zone` → the instant. */
export function zonedToUtc(wallMs: number, zone: string): number {
  let utc = wallMs - zoneOffsetMinutes(zone, wallMs) * 60000;
  utc = wallMs - zoneOffsetMinutes(zone, utc) * 60000; // second pass settles DST edges
  return utc;
}

/** `YYYY-MM-DDTHH:mm` (a datetime-local field) read as wall time in `zone`; null when it isn't one. */
export function localFieldToUtc(value: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(value);
  if (!m) return null;
  return new Date(zonedToUtc(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]), zone));
}

/** The instant as `YYYY-MM-DDTHH:mm` wall time in `zone` (for a datetime-local field, or shown with the zone's name). */
export function utcToLocalField(date: Date, zone: string): string {
  return new Date(date.getTime() + zoneOffsetMinutes(zone, date.getTime()) * 60000).toISOString().slice(0, 16);
}

/** "2026-12-01 09:00 Europe/Lisbon": a time the way the person who set it reads it. */
export function formatInZone(date: Date, zone: string): string {
  return `${utcToLocalField(date, zone).replace('T', ' ')} ${zone}`;
}
