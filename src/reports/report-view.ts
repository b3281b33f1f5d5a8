import { ReachReport, ReportFunnel, SeriesPoint } from './reach-reports.service';

/**
 * The funnel's steps, each counted in the range on its own (not one cohort followed through). Most are a part of
 * the step before and read as a percentage of it (`rate`); shares and visits are counted in other units (a
 * recommendation is shared on several channels, a share draws many visits), and a window can hold more
 * invitations than promoters (some responded before it): those read as so many `per` item of the step before,
 * never as a percentage above 100.
 */
export interface FunnelStep {
  key: keyof ReportFunnel;
  label: string;
  /** One item of the step before, for "2.5 per approval". */
  per?: string;
  rate?: boolean;
}

export const FUNNEL_STEPS: FunnelStep[] = [
  { key: 'responses', label: 'Responses' },
  { key: 'promoters', label: 'Promoters', per: 'response', rate: true },
  { key: 'invited', label: 'Invited', per: 'promoter', rate: true },
  { key: 'opened', label: 'Opened', per: 'invitation', rate: true },
  { key: 'approved', label: 'Approved', per: 'opened invitation', rate: true },
  { key: 'shared', label: 'Shared', per: 'approval' },
  { key: 'humanClicks', label: 'Human visits', per: 'share' },
];

export const CHANNEL_LABELS: Record<string, string> = {
  x: 'X', facebook: 'Facebook', linkedin: 'LinkedIn', whatsapp: 'WhatsApp', email: 'Email', copy: 'Copy text', x_post: 'X (posted by Goodword)',
};

/** "▲ 12%", "▼ 5%", "no change", or "new" when the previous period had none. */
export function change(now: number, before: number | undefined): { text: string; direction: 'up' | 'down' | 'same' | 'none' } {
  if (before === undefined) return { text: '', direction: 'none' };
  if (now === before) return { text: 'no change', direction: 'same' };
  if (before === 0) return { text: '▲ new', direction: 'up' };
  const pct = Math.round(((now - before) * 100) / before);
  return now > before ? { text: `▲ ${pct}%`, direction: 'up' } : { text: `▼ ${Math.abs(pct)}%`, direction: 'down' };
}

/**
 * From the step before to `step`: a whole percentage for a part of it, else so many per item of it ("2.5 per
 * share"); "—" when the step before is 0.
 */
export function conversion(now: number, before: number, step: Pick<FunnelStep, 'per' | 'rate'>): string {
  if (before === 0) return '—';
  if (step.rate && now <= before) return `${Math.round((now * 100) / before)}%`;
  return `${(now / before).toLocaleString('en-US', { maximumFractionDigits: 1 })} per ${step.per ?? 'item'}`;
}

export interface CsvLine {
  section: string;
  item: string;
  value: string | number;
  previous: string | number;
  change: string;
}

export const REPORT_CSV_COLUMNS: (keyof CsvLine)[] = ['section', 'item', 'value', 'previous', 'change'];

const dash = (n: number | null) => (n === null ? '' : n);

/** Everything the page shows, one figure a line, in the page's order. */
export function* reportCsvLines(report: ReachReport): Generator<CsvLine> {
  const p = report.previous;
  yield { section: 'report', item: 'from', value: report.from, previous: p?.from ?? '', change: '' };
  yield { section: 'report', item: 'to', value: report.to, previous: p?.to ?? '', change: '' };
  yield { section: 'report', item: 'scope', value: report.scope.label, previous: '', change: '' };
  yield { section: 'headline', item: 'sentence', value: report.headline.text, previous: '', change: '' };
  let before: number | null = null;
  for (const step of FUNNEL_STEPS) {
    const value = report.funnel[step.key];
    yield {
      section: 'funnel',
      item: step.label,
      value,
      previous: p ? p.funnel[step.key] : '',
      change: change(value, p?.funnel[step.key]).text,
    };
    if (before !== null) yield { section: 'conversion', item: step.label, value: conversion(value, before, step), previous: '', change: '' };
    before = value;
  }
  const reach: [keyof ReachReport['reach'], string][] = [
    ['humanClicks', 'Human visits (measured)'], ['uniqueVisitors', 'Unique visitors (measured)'], ['botHits', 'Bot hits (not counted)'],
    ['xImpressions', 'X impressions (measured)'], ['estimatedAudience', 'X followers (estimated audience)'],
  ];
  for (const [key, label] of reach) yield { section: 'reach', item: label, value: report.reach[key], previous: p ? p.reach[key] : '', change: change(report.reach[key], p?.reach[key]).text };
  yield { section: 'nps', item: 'NPS', value: dash(report.nps), previous: p ? dash(p.nps) : '', change: '' };
  const rewards: [keyof ReachReport['rewards'], string][] = [['optedIn', 'Rewards opted in'], ['issued', 'Reward codes issued'], ['redeemed', 'Reward codes redeemed'], ['voided', 'Reward codes voided']];
  for (const [key, label] of rewards) yield { section: 'rewards', item: label, value: report.rewards[key], previous: p ? p.rewards[key] : '', change: change(report.rewards[key], p?.rewards[key]).text };
  for (const point of report.series.points) yield* seriesLines(report.series.interval, point);
  for (const c of report.byChannel) {
    yield { section: 'channel', item: `${CHANNEL_LABELS[c.channel] ?? c.channel}: shares`, value: c.shares, previous: '', change: '' };
    yield { section: 'channel', item: `${CHANNEL_LABELS[c.channel] ?? c.channel}: visitors`, value: c.uniqueVisitors, previous: '', change: '' };
  }
  for (const c of report.byCampaign) {
    yield { section: 'campaign', item: `${c.name}: approved`, value: c.approved, previous: '', change: '' };
    yield { section: 'campaign', item: `${c.name}: visitors`, value: c.uniqueVisitors, previous: '', change: '' };
  }
  for (const l of report.byLocation) {
    yield { section: 'location', item: `${l.code}: NPS`, value: dash(l.nps), previous: '', change: '' };
    yield { section: 'location', item: `${l.code}: advocates`, value: l.advocates, previous: '', change: '' };
    yield { section: 'location', item: `${l.code}: visitors`, value: l.uniqueVisitors, previous: '', change: '' };
  }
  for (const t of report.byTouchpoint) {
    yield { section: 'touchpoint', item: `${t.touchpoint ?? 'not given'}: responses`, value: t.responses, previous: '', change: '' };
    yield { section: 'touchpoint', item: `${t.touchpoint ?? 'not given'}: NPS`, value: dash(t.nps), previous: '', change: '' };
  }
  for (const a of report.advocates) {
    yield { section: 'advocate', item: `${a.authorName ?? 'A customer'} (${a.locationCode}, ${a.approvedAt.toISOString().slice(0, 10)}, ${a.channels.map((c) => CHANNEL_LABELS[c] ?? c).join(' ')})`, value: a.visitors, previous: '', change: '' };
  }
}

function* seriesLines(interval: 'day' | 'week', point: SeriesPoint): Generator<CsvLine> {
  const section = interval === 'day' ? 'day' : 'week';
  yield { section, item: `${point.period}: visitors`, value: point.visitors, previous: '', change: '' };
  yield { section, item: `${point.period}: approvals`, value: point.approvals, previous: '', change: '' };
  yield { section, item: `${point.period}: NPS`, value: dash(point.nps), previous: '', change: '' };
}
