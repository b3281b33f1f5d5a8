import fc from 'fast-check';
import { wholeMonths } from './reach-report.read-model';

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every day of a range, as `YYYY-MM-DD`. */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY_MS) out.push(day(ms));
  return out;
}

describe(wholeMonths.name, () => {
  it('splits a year-long report into whole months and the days at either end', () => {
    expect(wholeMonths({ from: '2025-12-04', to: '2026-12-03' })).toEqual({
      months: { from: '2026-01', to: '2026-11', firstDay: '2026-01-01', lastDay: '2026-11-30' },
      days: [
        { from: '2025-12-04', to: '2025-12-31' },
        { from: '2026-12-01', to: '2026-12-03' },
      ],
    });
  });

  it('takes a range that is exactly whole months without any days, February of a leap year included', () => {
    expect(wholeMonths({ from: '2028-02-01', to: '2028-03-31' })).toEqual({ months: { from: '2028-02', to: '2028-03', firstDay: '2028-02-01', lastDay: '2028-03-31' }, days: [] });
  });

  it('leaves a range inside one month, or across two without a whole one, to the days', () => {
    expect(wholeMonths({ from: '2026-03-02', to: '2026-03-30' })).toEqual({ days: [{ from: '2026-03-02', to: '2026-03-30' }] });
    expect(wholeMonths({ from: '2026-03-15', to: '2026-04-10' })).toEqual({ days: [{ from: '2026-03-15', to: '2026-04-10' }] });
  });

  it('covers every day of any range exactly once (months whole, days outside them)', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 800 }), (offset, length) => {
        const range = { from: day(start + offset * DAY_MS), to: day(start + (offset + length) * DAY_MS) };
        const split = wholeMonths(range);
        const covered = split.days.flatMap((d) => daysOf(d.from, d.to));
        if (split.months) {
          const monthDays = daysOf(`${split.months.from}-01`, '2030-12-31').filter((d) => d.slice(0, 7) <= split.months!.to);
          expect([split.months.firstDay, split.months.lastDay]).toEqual([monthDays[0], monthDays[monthDays.length - 1]]);
          covered.push(...monthDays);
        }
        expect(covered.sort()).toEqual(daysOf(range.from, range.to));
      }),
      { numRuns: 300 },
    );
  });
});
