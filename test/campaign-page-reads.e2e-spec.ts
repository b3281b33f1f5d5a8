import { DataSource } from 'typeorm';
import { MetricsService } from '../src/metrics/metrics.service';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { SuppressionList } from '../src/preferences/suppression-list.service';
import { UsersService } from '../src/users/users.service';
import { ALL_DAY, PASSWORD, seedCustomers, seedLocation, setup, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { decodeHtml, FormBrowser, multipart } from './support/form-browser';

/** Every row of every table, to prove a request wrote nothing. */
async function snapshot(db: DataSource): Promise<Record<string, unknown[]>> {
  const tables: { name: string }[] =
    db.options.type === 'postgres'
      ? await db.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  const all: Record<string, unknown[]> = {};
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    const rows: Record<string, unknown>[] = await db.query(`SELECT * FROM "${name}"`);
    all[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return all;
}

describe.each<Dialect>(['postgres', 'sqlite'])('campaign pages read, never write, and count eligibility once (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let marketer: FormBrowser;
  let headers: Record<string, string>;
  let campaignUrl: string;
  let campaignId: string;
  let ids: string[];

  const aggregations = async () => (await t.app.get(MetricsService).eligibilityAggregations.get()).values[0]?.value ?? 0;
  /** The funnel's "Eligible" total as the page shows it. */
  const pageEligible = async () => {
    const page = await marketer.get(campaignUrl);
    expect(page.statusCode).toBe(200);
    const text = decodeHtml(page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
    return Number(/Total (\d+) /.exec(text)![1]);
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown');
    ids = await seedCustomers(db, [
      { email: 'ana@example.com', score: 10, consent: true, location },
      { email: 'ben@example.com', score: 9, consent: true, location },
      { email: 'cara@example.com', score: 9, consent: false, location },
    ]);
    await t.app.get(UsersService).create(setup, { email: 'marketer@example.com', role: 'marketer', password: PASSWORD });
    marketer = new FormBrowser(t.app);
    expect((await marketer.signIn('marketer@example.com', PASSWORD)).statusCode).toBe(303);
    headers = (await staffHeader(t.app, 'marketer')).headers;
    const created = await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Spring', locations: ['DLR-001'], sendingHours: ALL_DAY } });
    campaignId = created.json().id;
    campaignUrl = `/dashboard/campaigns/${campaignId}`;
  });
  afterAll(() => t?.close());

  // First: the other test launches a campaign whose jobs go on writing in the background.
  it('the dry-run page (a GET) writes nothing, and still counts an opt-out whose entry lost its customer', async () => {
    // Its own location, so the other test's counts don't move.
    const location = await seedLocation(t.app, 'DLR-002', 'Riverside');
    await seedCustomers(db, [
      { email: 'erin@example.com', score: 10, consent: true, location },
      { email: 'fay@example.com', score: 10, consent: true, location },
    ]);
    // An opt-out kept after its customer was erased (customer_id NULL), and the address imported again.
    const hash = t.app.get(SuppressionList).hash('erin@example.com');
    await db.query(`INSERT INTO suppression (email_hash, customer_id, source) VALUES (${dialect === 'postgres' ? '$1' : '?'}, NULL, 'one_click')`, [hash]);
    const other = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Dry', locations: ['DLR-002'], sendingHours: ALL_DAY } })).json().id;

    const before = await snapshot(db);
    const page = await marketer.get(`/dashboard/campaigns/${other}/dry-run`);
    expect(page.statusCode).toBe(200);
    const text = decodeHtml(page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
    expect(text).toContain('Would be invited 1');
    expect(text).toContain('Opted out (suppressed) 1');
    expect(await snapshot(db)).toEqual(before);
  });

  it('counts eligibility once for repeated views, and again after an import, an opt-out or a launch', async () => {
    const start = await aggregations();
    expect(await pageEligible()).toBe(2);
    expect(await aggregations()).toBe(start + 1);
    expect(await pageEligible()).toBe(2);
    expect((await t.app.inject({ method: 'GET', url: `/api/campaigns/${campaignId}/funnel`, headers })).json().eligible).toBe(2);
    expect(await aggregations()).toBe(start + 1);

    // A feedback import adds a promoter who consented.
    const csv = `response_id,email,location_code,score,marketing_consent,responded_at\nNEW-1,dora@example.com,DLR-001,10,yes,${new Date().toISOString()}\n`;
    const upload = multipart('file', 'more.csv', csv);
    const imported = await t.app.inject({ method: 'POST', url: '/api/imports', headers: { ...headers, ...upload.headers }, payload: upload.payload });
    expect(imported.statusCode).toBeLessThan(300);
    expect(await pageEligible()).toBe(3);
    expect(await aggregations()).toBe(start + 2);
    expect(await pageEligible()).toBe(3);
    expect(await aggregations()).toBe(start + 2);

    // One-click opt-out.
    const token = await t.app.get(PreferenceTokens).reveal(ids[1]);
    const optOut = await t.app.inject({
      method: 'POST',
      url: `/preferences/${token}/unsubscribe`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(optOut.statusCode).toBe(200);
    expect(await pageEligible()).toBe(2);
    expect(await aggregations()).toBe(start + 3);

    // Launch: invitations move customers from "would be invited" to "invited"; eligible stays the same.
    expect((await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/launch`, headers })).statusCode).toBe(200);
    expect(await pageEligible()).toBe(2);
    expect(await aggregations()).toBe(start + 4);
  });
});
