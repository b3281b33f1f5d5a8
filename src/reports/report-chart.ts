import { SeriesPoint } from './reach-reports.service';

/**
 * The time series as SVG drawn on the server: visitors as bars, approvals as a line with dots (each with a
 * <title>), its own scale on each side. The page repeats every number in a table for screen readers.
 */
export function reportChart(points: SeriesPoint[]) {
  const width = 640;
  const height = 220;
  const [left, right, top, bottom] = [44, 604, 12, 186];
  const plotW = right - left;
  const plotH = bottom - top;
  const maxV = niceMax(Math.max(0, ...points.map((p) => p.visitors)));
  const maxA = niceMax(Math.max(0, ...points.map((p) => p.approvals)));
  const step = points.length ? plotW / points.length : plotW;
  const barW = Math.max(1, step * 0.7);
  const y = (v: number, max: number) => bottom - (v / max) * plotH;
  const round = (n: number) => Math.round(n * 10) / 10;
  const bars = points.map((p, i) => ({
    x: round(left + i * step + (step - barW) / 2),
    y: round(y(p.visitors, maxV)),
    width: round(barW),
    height: round(bottom - y(p.visitors, maxV)),
    title: `${p.period}: ${p.visitors} visitors`,
  }));
  const dots = points.map((p, i) => ({ cx: round(left + i * step + step / 2), cy: round(y(p.approvals, maxA)), title: `${p.period}: ${p.approvals} approvals` }));
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return {
    width,
    height,
    plotLeft: left,
    plotRight: right,
    bottom,
    rightAxisX: right + 4,
    axisX: left - 4,
    gridlines: [0, 0.5, 1].map((f) => ({ y: round(bottom - f * plotH), label: String(Math.round(maxV * f)), right: String(Math.round(maxA * f)) })),
    bars,
    line: dots.map((d) => `${d.cx},${d.cy}`).join(' '),
    dots: points.length <= 60 ? dots : [],
    labels: points
      .map((p, i) => ({ x: round(left + i * step + step / 2), y: bottom + 16, text: p.period.slice(5) }))
      .filter((_, i) => i % labelEvery === 0),
  };
}

function niceMax(n: number): number {
  if (n <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * magnitude >= n) return m * magnitude;
  return 10 * magnitude;
}
