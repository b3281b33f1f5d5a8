import { NpsPoint } from './segments.service';

/**
 * Geometry of the NPS-over-time bar chart, drawn as inline SVG by the template: no script, no CDN, and
 * no inline styles (CSP forbids them) — sizes are SVG attributes, colours come from app.css classes.
 * The SVG is drawn at its natural size (its `width` attribute) and only shrinks to fit a narrow screen,
 * so its text is never blown up on a wide one.
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
  /** Period labels under the bars: only as many as fit side by side without touching. */
  labels: { x: number; y: number; text: string }[];
}

const HEIGHT = 220;
const TOP = 12;
const BOTTOM = 36;
const LEFT = 40;
/** Bars get wider when there are few of them, so a short range still reads as a chart. */
const MIN_SLOT = 28;
const MAX_SLOT = 64;
const TARGET_PLOT = 640;
/** The axis font is 11px (app.css); an average glyph is narrower than this, so estimates err wide. */
export const LABEL_CHAR_WIDTH = 6.6;
export const LABEL_GAP = 10;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jun 2026" per month; "1 Jun" per week, with the year on the first label and when it changes. */
export function periodLabel(period: string, interval: 'week' | 'month', withYear: boolean): string {
  const [year, month, day] = period.slice(0, 10).split('-').map(Number);
  if (interval === 'month') return `${MONTHS[month - 1]} ${year}`;
  return `${day} ${MONTHS[month - 1]}${withYear ? ` ${year}` : ''}`;
}

export const labelWidth = (text: string) => text.length * LABEL_CHAR_WIDTH;

export function npsChart(series: NpsPoint[], interval: 'week' | 'month' = 'month'): NpsChart | null {
  if (series.length === 0) return null;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const yOf = (nps: number) => TOP + ((100 - nps) / 200) * plotHeight;
  const slot = Math.max(MIN_SLOT, Math.min(MAX_SLOT, Math.floor(TARGET_PLOT / series.length)));
  // Every label is spaced for the longest one it could be, so none can touch its neighbour.
  const widest = labelWidth(periodLabel('2026-12-31', interval, true));
  const every = Math.max(1, Math.ceil((widest + LABEL_GAP) / slot));
  const right = Math.max(8, Math.ceil(widest / 2 - slot / 2) + 4);
  const width = LEFT + series.length * slot + right;
  const round = (n: number) => Math.round(n * 10) / 10;
  let lastYear = '';
  const labels: NpsChart['labels'] = [];
  series.forEach((p, index) => {
    if (index % every !== 0) return;
    const year = p.period.slice(0, 4);
    labels.push({ x: LEFT + index * slot + slot / 2, y: HEIGHT - BOTTOM + 18, text: periodLabel(p.period, interval, year !== lastYear) });
    lastYear = year;
  });
  return {
    width,
    height: HEIGHT,
    zeroY: round(yOf(0)),
    plotLeft: LEFT,
    axisX: LEFT - 6,
    plotRight: width - right + 4,
    gridlines: [100, 50, 0, -50, -100].map((v) => ({ y: round(yOf(v)), label: String(v) })),
    bars: series
      .map((p, index) => ({ p, index }))
      .filter(({ p }) => p.nps !== null)
      .map(({ p, index }) => {
        const top = yOf(Math.max(p.nps!, 0));
        const bottom = yOf(Math.min(p.nps!, 0));
        return {
          x: LEFT + index * slot + Math.round(slot * 0.15),
          y: round(top),
          width: slot - 2 * Math.round(slot * 0.15),
          height: round(Math.max(bottom - top, 1)),
          kind: p.nps! >= 0 ? ('up' as const) : ('down' as const),
          title: `${p.period}: NPS ${p.nps} from ${p.responses} responses`,
        };
      }),
    labels,
  };
}
