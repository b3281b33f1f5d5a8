import { DataSource } from 'typeorm';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { lastDays } from '../src/common/time/days';
import { LaunchCampaign } from '../src/campaigns/launch-campaign';
import { Actor, cliActor } from '../src/common/actor';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { SegmentsService } from '../src/feedback/segments.service';
import { LocationsService } from '../src/locations/locations.service';
import { RecommendationsService } from '../src/recommendations/recommendations.service';
import { ReachReports } from '../src/reports/reach-reports.service';
import { UsersService } from '../src/users/users.service';
import { seedCustomers } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { decodeHtml, FormBrowser } from './support/form-browser';

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60_000;

/** The figures of the home page's key-figure tiles, by label. */
function kpis(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<span class="label">([^<]+)<\/span><span class="value">([^<]+)<\/span>/g)) out[decodeHtml(m[1])] = m[2];
  return out;
}

describe.each<Dialect>(['postgres', 'sqlite'])('staff home and location page with numbers (%s)', (dialect) => {
  let t: TestApp;
  const browsers: Partial<Record<'admin' | 'dealer', FormBrowser>> = {};
  let actors: Record<'admin' | 'dealer', Actor>;
  let runningName: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const report = await t.app.get(DemoSeedService).seed(cliActor('test'));
    const campaign = (await t.app.get(CampaignsService).list(cliActor('test'))).find((c) => c.status === 'draft')!;
    await t.app.get(LaunchCampaign).execute(cliActor('test'), campaign.id);
    runningName = campaign.name;
    const users = t.app.get(UsersService);
    actors = {} as typeof actors;
    for (const role of ['admin', 'dealer'] as const) {
      const c = report.credentials.find((x) => x.role === role)!;
      const browser = new FormBrowser(t.app);
      expect((await browser.signIn(c.email, c.password)).statusCode).toBe(303);
      browsers[role] = browser;
      const user = await users.findByEmail(c.email);
      actors[role] = { type: 'staff', id: user!.id, role, locationCodes: role === 'dealer' ? ['DLR-001'] : undefined };
    }
    // A promoter who answered a minute before the window's first day began: within the last 30 × 24 hours (unless
    // the test runs in the last minute of a UTC day), outside the last 30 days as a report counts them.
    const location = await t.app.get(LocationsService).get(cliActor('test'), 'DLR-001');
    const firstDay = Date.parse(`${lastDays(30, Date.now()).from}T00:00:00Z`);
    await seedCustomers(t.app.get(DataSource), [{ email: null, score: 10, consent: false, location, daysAgo: (Date.now() - (firstDay - MINUTE)) / DAY }]);
  }, 120_000);
  afterAll(() => t?.close());

  /** What the services say for the last 30 days (today's included), for this actor (and location). */
  async function expected(actor: Actor, location?: string) {
    const window = lastDays(30, Date.now());
    const nps = await t.app.get(SegmentsService).nps(actor, { location, ...window });
    const approved = await t.app.get(RecommendationsService).count(actor, { location, ...window });
    const [reach] = await t.app.get(ReachReports).reach(actor, [window], location);
    const visitors = reach.uniqueVisitors;
    const open = (await t.app.inject({ method: 'GET', url: `/api/alerts?status=open&limit=500${location ? `&location=${location}` : ''}`, headers: { accept: 'application/json' }, cookies: browsers.admin!.cookies })).json();
    return { nps, approved, visitors, open };
  }

  it('shows an admin the last 30 days across every location: NPS, promoters, approvals, open alerts oldest first, running campaigns', async () => {
    const page = await browsers.admin!.get('/dashboard');
    expect(page.statusCode).toBe(200);
    const figures = kpis(page.body);
    const want = await expected(actors.admin);
    expect(want.nps.responses).toBeGreaterThan(0);
    expect(want.approved).toBeGreaterThan(0);
    expect(want.visitors).toBeGreaterThan(0);
    expect(figures).toEqual({
      'NPS, last 30 days': String(want.nps.nps),
      'New promoters': String(want.nps.promoters),
      'Recommendations approved': String(want.approved),
      'Visitors of shared links': String(want.visitors),
      'Open detractor alerts': String(want.open.length),
    });
    // The trend against the 30 days before.
    expect(page.body).toMatch(/vs the previous 30 days/);
    // Oldest open alerts first (the five that waited longest).
    const oldest = (await t.app.inject({ method: 'GET', url: '/api/alerts?status=open&order=oldest&limit=5', cookies: browsers.admin!.cookies })).json();
    const places = oldest.map((a: { comment: string | null; locationName: string }) => a.locationName);
    const section = page.body.slice(page.body.indexOf('id="alerts-heading"'), page.body.indexOf('id="campaigns-heading"'));
    expect([...section.matchAll(/<\/strong> at ([^<]+?) <span class="meta">/g)].map((m) => decodeHtml(m[1]))).toEqual(places);
    // The running campaign with its funnel.
    expect(decodeHtml(page.body)).toContain(runningName);
    expect(page.body).toMatch(/<dt>Invited<\/dt><dd>[1-9]\d*<\/dd>/);
    expect(page.body).toContain('href="/dashboard/locations/DLR-002"');
  });

  it('shows a dealer the numbers of their own locations only', async () => {
    const page = await browsers.dealer!.get('/dashboard');
    expect(page.statusCode).toBe(200);
    const want = await expected(actors.dealer);
    const all = await expected(actors.admin);
    expect(want.nps.responses).toBeLessThan(all.nps.responses);
    expect(want.visitors).toBeGreaterThan(0);
    expect(want.visitors).toBeLessThan(all.visitors);
    expect(kpis(page.body)).toEqual({
      'NPS, last 30 days': String(want.nps.nps),
      'New promoters': String(want.nps.promoters),
      'Recommendations approved': String(want.approved),
      'Visitors of shared links': String(want.visitors),
      'Open detractor alerts': String(want.open.filter((a: { locationCode: string }) => a.locationCode === 'DLR-001').length),
    });
    expect(page.body).toContain('href="/dashboard/locations/DLR-001"');
    expect(page.body).not.toContain('DLR-002');
    expect(page.body).not.toContain('DLR-003');
    // No card promises what a dealer can't do.
    expect(page.body.slice(page.body.indexOf('class="cards"'))).not.toMatch(/import|hide|launch/i);
  });

  it("shows the same figures as the reports' default range, and links to the same window", async () => {
    const reports = t.app.get(ReachReports);
    const cases = [
      { browser: browsers.admin!, url: '/dashboard', report: () => reports.forActor(actors.admin, {}) },
      { browser: browsers.dealer!, url: '/dashboard', report: () => reports.forActor(actors.dealer, {}) },
      { browser: browsers.admin!, url: '/dashboard/locations/DLR-001', report: () => reports.forLocation(actors.admin, 'DLR-001', {}) },
    ];
    for (const c of cases) {
      const [page, report] = [await c.browser.get(c.url), await c.report()];
      expect(report.funnel.responses).toBeGreaterThan(0);
      expect(report.reach.uniqueVisitors).toBeGreaterThan(0);
      expect(kpis(page.body)).toMatchObject({
        'NPS, last 30 days': String(report.nps),
        'New promoters': String(report.funnel.promoters),
        'Recommendations approved': String(report.funnel.approved),
        'Visitors of shared links': String(report.reach.uniqueVisitors),
      });
      // The visitors tile opens the report on the same days.
      const reportHref = decodeHtml(/<li class="kpi"><a href="([^"]*\/dashboard\/reports\?[^"]*)"/.exec(page.body)?.[1] ?? '');
      expect(reportHref).toContain(`from=${report.from}&to=${report.to}`);
      expect((await c.browser.get(reportHref)).statusCode).toBe(200);
      // The approvals tile opens the recommendations approved on those days: as many as it says.
      const approvedHref = decodeHtml(/<li class="kpi"><a href="([^"]*\/dashboard\/recommendations\?[^"]*)"/.exec(page.body)?.[1] ?? '');
      expect(approvedHref).toContain(`from=${report.from}&to=${report.to}`);
      expect((await c.browser.get(approvedHref)).body).toContain(`Showing 1–${report.funnel.approved}.`);
      // The home page's locations table: each location's visitors as the report's per-location cut counts them.
      if (c.url === '/dashboard') {
        const row = /href="\/dashboard\/locations\/DLR-001">[^<]*<\/a> <span class="meta">DLR-001<\/span><\/td>((?:<td class="num">[^<]*<\/td>)+)<\/tr>/.exec(page.body);
        const cells = [...(row?.[1] ?? '').matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
        const own = report.byLocation.find((l) => l.code === 'DLR-001')!;
        expect(own.uniqueVisitors).toBeGreaterThan(0);
        expect(cells).toEqual([String(own.nps), String(own.responses), String(own.promoters), expect.any(String), String(own.uniqueVisitors)]);
      }
      const promotersHref = decodeHtml(/<li class="kpi"><a href="([^"]*\/dashboard\/promoters\?[^"]*)"/.exec(page.body)?.[1] ?? '');
      expect(promotersHref).toContain(`from=${report.from}&to=${report.to}`);
      // The NPS tile opens the NPS page on the same days, which shows the same score.
      const href = decodeHtml(/<li class="kpi"><a href="([^"]*\/dashboard\/nps\?[^"]*)"/.exec(page.body)?.[1] ?? '');
      expect(href).toContain(`from=${report.from}&to=${report.to}`);
      const nps = await c.browser.get(href);
      expect(nps.statusCode).toBe(200);
      expect(nps.body).toContain(`<h2 id="total-heading">NPS ${report.nps}</h2>`);
    }
  });

  it('shows a location: its numbers, latest recommendations, open alerts, campaigns, public page and settings', async () => {
    const page = await browsers.admin!.get('/dashboard/locations/DLR-001');
    expect(page.statusCode).toBe(200);
    const want = await expected(actors.admin, 'DLR-001');
    expect(kpis(page.body)).toEqual({
      'NPS, last 30 days': String(want.nps.nps),
      'New promoters': String(want.nps.promoters),
      'Recommendations approved': String(want.approved),
      'Visitors of shared links': String(want.visitors),
      'Open detractor alerts': String(want.open.length),
    });
    expect(page.body).toContain('href="/l/DLR-001"');
    expect(page.body).toContain('href="/dashboard/locations/DLR-001/edit"');
    const latest = await t.app.get(RecommendationsService).list(actors.admin, { location: 'DLR-001', status: 'public', limit: 3 });
    expect(latest.length).toBeGreaterThan(0);
    for (const r of latest) expect(page.body).toContain(`href="/p/${r.id}"`);
    const others = await t.app.get(RecommendationsService).list(actors.admin, { location: 'DLR-002', limit: 100 });
    for (const r of others) expect(page.body).not.toContain(r.id);
    expect(decodeHtml(page.body)).toContain(runningName);

    // A dealer reads their own location (no settings link) and gets a 404 for another.
    const own = await browsers.dealer!.get('/dashboard/locations/DLR-001');
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('/dashboard/locations/DLR-001/edit');
    expect((await browsers.dealer!.get('/dashboard/locations/DLR-002')).statusCode).toBe(404);
  });
});
