import { DAY_MS, daysBefore, lastDays, spanDays, utcDay } from './days';

describe('utcDay', () => {
  it('names the UTC day of a time, however the times it is asked about jump back and forth', () => {
    const midnight = Date.parse('2026-12-05T00:00:00Z');
    const asked: [number, string][] = [
      [midnight + 5, '2026-12-05'],
      [midnight - 1, '2026-12-04'],
      [midnight + DAY_MS - 1, '2026-12-05'],
      [midnight + DAY_MS, '2026-12-06'],
      [midnight, '2026-12-05'],
      [Date.parse('2024-02-29T23:59:59.999Z'), '2024-02-29'],
      [-1, '1969-12-31'],
      [0, '1970-01-01'],
    ];
    for (const [ms, day] of asked) expect(utcDay(ms)).toBe(day);
  });

  it('refuses a time that is not a number instead of naming the last day asked', () => {
    utcDay(Date.parse('2026-12-05T12:00:00Z'));
    expect(() => utcDay(Number.NaN)).toThrow(RangeError);
  });
});

describe('lastDays and daysBefore', () => {
  it('counts the last N days as whole UTC days up to today, and compares them with as many days just before', () => {
    // Just after midnight and just before the next: the same days, whatever the time of day.
    for (const now of ['2026-03-01T00:00:00Z', '2026-03-01T23:59:59.999Z']) {
      const week = lastDays(7, Date.parse(now));
      expect(week).toEqual({ from: '2026-02-23', to: '2026-03-01' });
      expect(spanDays(week)).toBe(7);
      expect(daysBefore(week)).toEqual({ from: '2026-02-16', to: '2026-02-22' });
    }
    // Across a leap day and a year's end.
    expect(lastDays(30, Date.parse('2024-03-15T12:00:00Z'))).toEqual({ from: '2024-02-15', to: '2024-03-15' });
    expect(daysBefore({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(lastDays(1, Date.parse('2026-12-07T08:00:00Z'))).toEqual({ from: '2026-12-07', to: '2026-12-07' });
  });
});
