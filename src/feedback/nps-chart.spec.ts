import { labelWidth, LABEL_GAP, npsChart, periodLabel } from './nps-chart';
import { NpsPoint } from './segments.service';

function series(count: number, interval: 'week' | 'month', start = '2026-06-01'): NpsPoint[] {
  const first = new Date(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(first);
    if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * i);
    else d.setUTCMonth(d.getUTCMonth() + i);
    return { period: d.toISOString().slice(0, 10), responses: 10, promoters: 5, passives: 3, detractors: 2, nps: i % 3 === 0 ? -20 : 30 };
  });
}

describe('npsChart', () => {
  it.each([
    ['month', 1], ['month', 7], ['month', 12], ['month', 36],
    ['week', 4], ['week', 12], ['week', 26], ['week', 53], ['week', 120],
  ] as const)('labels %s ticks (%i points) that neither overlap nor leave the picture', (interval, count) => {
    const chart = npsChart(series(count, interval), interval)!;
    expect(chart.labels.length).toBeGreaterThan(0);
    const boxes = chart.labels.map((l) => ({ left: l.x - labelWidth(l.text) / 2, right: l.x + labelWidth(l.text) / 2, text: l.text }));
    for (let i = 1; i < boxes.length; i++) expect(boxes[i].left - boxes[i - 1].right).toBeGreaterThanOrEqual(LABEL_GAP);
    expect(boxes[0].left).toBeGreaterThanOrEqual(0);
    expect(boxes[boxes.length - 1].right).toBeLessThanOrEqual(chart.width);
    // One bar per point with a value, each inside the plot.
    expect(chart.bars).toHaveLength(count);
    for (const bar of chart.bars) expect(bar.x + bar.width).toBeLessThanOrEqual(chart.plotRight);
  });

  it('writes dates people read, never cut ISO fragments such as "26-06-01"', () => {
    expect(periodLabel('2026-06-01', 'month', false)).toBe('Jun 2026');
    expect(periodLabel('2026-06-01', 'week', true)).toBe('1 Jun 2026');
    expect(periodLabel('2026-06-08', 'week', false)).toBe('8 Jun');
    const weeks = npsChart(series(30, 'week', '2026-11-02'), 'week')!;
    const texts = weeks.labels.map((l) => l.text);
    expect(texts[0]).toBe('2 Nov 2026');
    // The year shows again where it changes.
    expect(texts.find((t) => t.endsWith('2027'))).toBeDefined();
    for (const text of texts) expect(text).not.toMatch(/^\d\d-\d\d/);
  });

  it('draws nothing without data', () => {
    expect(npsChart([], 'week')).toBeNull();
  });
});
