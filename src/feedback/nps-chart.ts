import { NpsPoint } from './segments.service';

/**
 * Geometry of the NPS-over-time bar chart, drawn as inline SVG by the template: no script, no CDN, and
 * no inline styles (CSP forbids them) — sizes are SVG attributes, colours come from app.css classes.
 */
export interface NpsChart {
  width: number;
  height: number;
  zeroY: number;
  plotLeft: number;
  /** Where the value labels of the gridlines end. */
  axisX: number;
  plotRight: number;
  gridlines: { y: number; label: string }[];
  bars: { x: number; y: number; width: number; height: number; kind: 'up' | 'down'; title: string }[];
  labels: { x: number; y: number; text: string }[];
}

const HEIGHT = 220;
const TOP = 12;
const BOTTOM = 36;
const LEFT = 40;
const SLOT = 28;

export function npsChart(series: NpsPoint[]): NpsChart | null {
  if (series.length === 0) return null;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const yOf = (nps: number) => TOP + ((100 - nps) / 200) * plotHeight;
  const width = LEFT + series.length * SLOT + 8;
  const every = Math.ceil(series.length / 12);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    width,
    height: HEIGHT,
    zeroY: round(yOf(0)),
    plotLeft: LEFT,
    axisX: LEFT - 6,
    plotRight: width - 4,
    gridlines: [100, 50, 0, -50, -100].map((v) => ({ y: round(yOf(v)), label: String(v) })),
    bars: series
      .filter((p) => p.nps !== null)
      .map((p) => {
        const index = series.indexOf(p);
        const top = yOf(Math.max(p.nps!, 0));
        const bottom = yOf(Math.min(p.nps!, 0));
        return {
          x: LEFT + index * SLOT + 4,
          y: round(top),
          width: SLOT - 8,
          height: round(Math.max(bottom - top, 1)),
          kind: p.nps! >= 0 ? ('up' as const) : ('down' as const),
          title: `${p.period}: NPS ${p.nps} from ${p.responses} responses`,
        };
      }),
    labels: series
      .map((p, index) => ({ x: LEFT + index * SLOT + SLOT / 2, y: HEIGHT - BOTTOM + 16, text: p.period.slice(2), index }))
      .filter((l) => l.index % every === 0)
      .map(({ x, y, text }) => ({ x, y, text })),
  };
}
