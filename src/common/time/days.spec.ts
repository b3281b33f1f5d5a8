import { DAY_MS, utcDay } from './days';

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
