import { formatDateTime } from './pages';
import { Overview, WINDOW_DAYS } from './staff-overview';

/** "+3 on the 30 days before", signed, with a class for its colour; nothing when there is nothing to compare. */
function change(now: number, before: number | null, unit = ''): { text: string; kind: 'up' | 'down' | 'flat' } | null {
  if (before === null) return null;
  const diff = Math.round((now - before) * 10) / 10;
  const kind = diff > 0 ? 'up' : diff < 0 ? 'down' : 'flat';
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  return { text: `${sign}${Math.abs(diff)}${unit} vs the previous ${WINDOW_DAYS} days`, kind };
}

/** What the home and location templates show: figures already worded, so templates stay plain. */
export function overviewView(
  o: Overview,
  links: { alerts: string; nps: string; recommendations: string; promoters: string; report: string },
  now = new Date(),
) {
  const npsBefore = o.nps !== null && o.npsChange !== null ? o.nps - o.npsChange : null;
  return {
    kpis: [
      {
        label: `NPS, last ${WINDOW_DAYS} days`,
        value: o.nps === null ? '—' : String(o.nps),
        note: o.nps === null ? 'No responses yet' : change(o.nps, npsBefore)?.text ?? `${o.responses} responses`,
        kind: o.nps === null ? 'flat' : change(o.nps, npsBefore)?.kind ?? 'flat',
        href: links.nps,
      },
      { label: 'New promoters', value: String(o.promoters), ...note(change(o.promoters, o.promotersBefore)), href: links.promoters },
      { label: 'Recommendations approved', value: String(o.approved), ...note(change(o.approved, o.approvedBefore)), href: links.recommendations },
      // How far the good words travelled: people (not bots) who opened a shared link, as the report counts them.
      { label: 'Visitors of shared links', value: String(o.visitors), ...note(change(o.visitors, o.visitorsBefore)), href: links.report },
      {
        label: 'Open detractor alerts',
        value: `${o.openAlerts}${o.openAlertsMore ? '+' : ''}`,
        note: o.openAlerts === 0 ? 'Nothing waiting' : 'Oldest first below',
        kind: o.openAlerts === 0 ? 'up' : 'flat',
        href: links.alerts,
      },
    ],
    alerts: o.oldestAlerts.map((a) => ({ ...a, raisedText: ago(a.createdAt, now), raisedAt: formatDateTime(a.createdAt) })),
    campaigns: o.campaigns.map((c) => ({
      ...c,
      steps: [
        { label: 'Eligible', value: c.funnel.eligible },
        { label: 'Invited', value: c.funnel.invited },
        { label: 'Opened', value: c.funnel.opened },
        { label: 'Approved', value: c.funnel.approved },
      ],
    })),
    moreCampaigns: o.runningCampaigns > o.campaigns.length ? o.runningCampaigns - o.campaigns.length : 0,
    latest: o.latest.map((r) => ({ ...r, approvedText: ago(r.approvedAt, now), approvedAt: formatDateTime(r.approvedAt) })),
  };
}

function note(c: ReturnType<typeof change>) {
  return { note: c?.text ?? '', kind: c?.kind ?? 'flat' };
}

/** "today", "yesterday", "12 days ago": how long an alert has waited reads faster than a timestamp. */
export function ago(date: Date, now: Date): string {
  const days = Math.floor((now.getTime() - date.getTime()) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}
