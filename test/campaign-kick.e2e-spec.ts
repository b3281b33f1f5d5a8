import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { CampaignTick, TICK_INTERVAL_MS } from '../src/campaigns/campaign-tick';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { PreferencesService } from '../src/preferences/preferences.service';
import { SuppressionList } from '../src/preferences/suppression-list.service';
import { ALL_DAY, seedCustomers, seedLocation, setup, staffHeader, waitFor } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

/** Far below the 2-minute round: an invitation within this long came from a kick, not from the round. */
const BOUND_MS = 20_000;

/**
 * New promoters are invited within seconds of arriving, not at the next campaign round: a webhook
 * call, a file import and marketing email turned back on each kick the scheduler. SQLite with
 * in-process jobs, and PostgreSQL with BullMQ on Redis (the production path).
 */
describe.each<[Dialect, boolean]>([
  ['sqlite', false],
  ['postgres', true],
])('campaign kick (%s, redis %s)', (dialect, redis) => {
  let t: TestApp;
  let db: DataSource;
  let ticks: jest.SpyInstance;
  const query = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const invited = async (email: string) =>
    (await query('SELECT i.id FROM invitation i JOIN customer c ON c.id = i.customer_id WHERE c.email = ?', [email])).length > 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect, redis });
    db = t.app.get(DataSource);
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown');
    const admin = await staffHeader(t.app, 'admin');
    // Opted out earlier, consent recorded: turning marketing email back on makes them eligible.
    const [pia] = await seedCustomers(db, [{ email: 'pia@example.com', score: 10, consent: true, location }]);
    await db.transaction((m) => t.app.get(SuppressionList).add(m, pia, 'pia@example.com', 'preferences'));

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: admin.headers,
      payload: { name: 'Always on', locations: ['DLR-001'], sendingHours: ALL_DAY },
    });
    expect(created.statusCode).toBe(201);
    const launched = await t.app.inject({ method: 'POST', url: `/api/campaigns/${created.json().id}/launch`, headers: admin.headers });
    expect(launched.statusCode).toBe(200);
    // The launch's own fan-out finds nobody (pia is suppressed); from here on only kicks and rounds invite.
    ticks = jest.spyOn(t.app.get(CampaignTick), 'run');
  });
  afterAll(async () => {
    ticks?.mockRestore();
    await t?.close();
  });
  afterEach(() => {
    // Every round that ran was a kick (`k…`), never the periodic one (`t…`): the tick interval played no part.
    for (const [, options] of ticks.mock.calls) expect(options?.key).toMatch(/^k\d+$/);
    expect(TICK_INTERVAL_MS).toBeGreaterThan(BOUND_MS);
  });

  it('invites a consenting promoter that arrives through the webhook', async () => {
    const key = (await t.app.get(ApiKeysService).create(setup, 'survey tool')).key;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/feedback',
      headers: { 'x-api-key': key },
      payload: { responseId: 'W-1', email: 'wes@example.com', locationCode: 'DLR-001', score: 10, marketingConsent: true, respondedAt: new Date().toISOString() },
    });
    expect(res.json()).toEqual({ accepted: 1, rejected: [] });
    await waitFor(() => invited('wes@example.com'), 'the webhook promoter to be invited', BOUND_MS);
  });

  it('invites a consenting promoter that arrives in a file import', async () => {
    const text = `response_id,email,location_code,score,responded_at,marketing_consent\nF-1,fia@example.com,DLR-001,9,${new Date().toISOString()},yes\n`;
    const result = await t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'new.csv', input: Readable.from([Buffer.from(text)]), actor: cliActor('test') });
    expect(result).toMatchObject({ accepted: 1, created: 1 });
    await waitFor(() => invited('fia@example.com'), 'the imported promoter to be invited', BOUND_MS);
  });

  it('invites a promoter who turns marketing email back on', async () => {
    const [pia] = await query("SELECT id FROM customer WHERE email = 'pia@example.com'");
    expect(await invited('pia@example.com')).toBe(false);
    const token = await t.app.get(PreferenceTokens).reveal(pia.id);
    expect(await t.app.get(PreferencesService).update(token, { marketingEmail: true })).toMatchObject({ marketingEmail: true });
    await waitFor(() => invited('pia@example.com'), 'the customer who opted back in to be invited', BOUND_MS);
  });
});
