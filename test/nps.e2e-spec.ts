import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { csv, csvRow, daysAgo, OTHER, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { decodeHtml } from './support/form-browser';

/**
 * OWN   Sep: 10, 9, 10, 7, 2 (3 P, 1 p, 1 D → NPS 40)   Oct: 9, 3 (→ 0)
 * OTHER Oct: 1, 6 (→ −100)                                Nov: 8 (→ 0)
 * Customers: ana 10 (Sep) then 3 (Oct): latest is a detractor. gus 6 (Oct, OTHER) then 9 (Oct, OWN): latest a promoter.
 */
const FILE = csv(
  csvRow('N-1', 'ana@example.com', OWN, 10, 'Ana', '', '', '2026-09-01T09:00:00Z', '', 'yes'),
  csvRow('N-2', 'ben@example.com', OWN, 9, 'Ben', '', '', '2026-09-07T23:30:00Z', '', 'no'),
  csvRow('N-3', 'cara@example.com', OWN, 10, 'Cara', '', '', '2026-09-08T00:30:00Z', '', 'yes'),
  csvRow('N-4', 'dev@example.com', OWN, 7, 'Dev', '', '', '2026-09-15', '', 'yes'),
  csvRow('N-5', 'eli@example.com', OWN, 2, 'Eli', '', '', '2026-09-30T23:59:59Z', '', 'yes'),
  csvRow('N-6', 'gus@example.com', OWN, 9, 'Gus', '', '', '2026-10-20', '', 'yes'),
  csvRow('N-7', 'ana@example.com', OWN, 3, 'Ana', '', '', '2026-10-02', '', 'yes'),
  csvRow('N-8', 'hal@example.com', OTHER, 1, 'Hal', '', '', '2026-10-05', '', 'no'),
  csvRow('N-9', 'gus@example.com', OTHER, 6, 'Gus', '', '', '2026-10-10', '', 'no'),
  csvRow('N-10', 'ivy@example.com', OTHER, 8, 'Ivy', '', '', '2026-11-03', '', 'no'),
  csvRow('N-11', 'jo@example.com', OTHER, 10, 'Jo', '', '', '2026-11-04', '', 'no'),
);

describe.each<Dialect>(['postgres', 'sqlite'])('NPS and promoters (%s)', (dialect) => {
  let t: TestApp;
  let staff: Staff;
  const get = (url: string, headers: Record<string, string> = staff.marketer) => t.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    staff = await seedStaff(t);
    await t.app
      .get(ImportFeedbackUseCase)
      .run({ source: 'cli', filename: 'nps.csv', input: Readable.from([Buffer.from(FILE)]), actor: cliActor('test') });
  });
  afterAll(() => t?.close());

  it('computes NPS over responses: % promoters − % detractors', async () => {
    const all = await get('/api/nps');
    expect(all.statusCode).toBe(200);
    // 11 responses: promoters N-1,2,3,6,11 (5); passives N-4,10 (2); detractors N-5,7,8,9 (4) → (5 − 4) / 11.
    expect(all.json()).toEqual({ responses: 11, promoters: 5, passives: 2, detractors: 4, nps: 9.1 });
    expect((await get(`/api/nps?location=${OWN}&from=2026-09-01&to=2026-09-30`)).json()).toEqual({
      responses: 5, promoters: 3, passives: 1, detractors: 1, nps: 40,
    });
    expect((await get(`/api/nps?location=${OTHER}&to=2026-10-31`)).json()).toMatchObject({ responses: 2, nps: -100 });
    expect((await get('/api/nps?from=2026-12-01')).json()).toEqual({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
  });

  it('answers a series per month or ISO week (UTC), empty periods included', async () => {
    const months = (await get(`/api/nps?location=${OWN}&interval=month&from=2026-08-01&to=2026-11-30`)).json();
    expect(months.series).toEqual([
      { period: '2026-08-01', responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null },
      { period: '2026-09-01', responses: 5, promoters: 3, passives: 1, detractors: 1, nps: 40 },
      { period: '2026-10-01', responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 },
      { period: '2026-11-01', responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null },
    ]);
    expect(months).toMatchObject({ responses: 7, nps: 28.6 });

    const weeks = (await get(`/api/nps?location=${OWN}&interval=week&from=2026-09-01&to=2026-09-14`)).json();
    // 2026-09-01 is a Tuesday: its week starts Monday 31 August. Monday 7th 23:30 UTC and Tuesday 8th 00:30 share a week;
    // `to` is inclusive, so the week of Monday 14th is listed (empty).
    expect(weeks.series).toEqual([
      { period: '2026-08-31', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 },
      { period: '2026-09-07', responses: 2, promoters: 2, passives: 0, detractors: 0, nps: 100 },
      { period: '2026-09-14', responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null },
    ]);

    const asCsv = await get(`/api/nps?location=${OWN}&interval=month&from=2026-09-01&to=2026-10-31&format=csv`);
    expect(asCsv.headers['content-type']).toContain('text/csv');
    expect(parse(asCsv.body, { columns: true })).toEqual([
      { period: '2026-09-01', responses: '5', promoters: '3', passives: '1', detractors: '1', nps: '40' },
      { period: '2026-10-01', responses: '2', promoters: '1', passives: '0', detractors: '1', nps: '0' },
    ]);
  });

  it('refuses bad filters with 400', async () => {
    expect((await get('/api/nps?interval=day')).statusCode).toBe(400);
    expect((await get('/api/nps?from=yesterday')).statusCode).toBe(400);
    expect((await get('/api/promoters?minScore=8')).statusCode).toBe(400);
    expect((await get('/api/promoters?consent=maybe')).statusCode).toBe(400);
    expect((await get('/api/nps?location=NOPE')).statusCode).toBe(404);
  });

  it('scopes dealers to their own locations', async () => {
    expect((await get('/api/nps', staff.dealer)).json()).toMatchObject({ responses: 7, promoters: 4, detractors: 2 });
    expect((await get(`/api/nps?location=${OTHER}`, staff.dealer)).statusCode).toBe(404);
    const promoters = (await get('/api/promoters', staff.dealer)).json();
    expect(promoters.map((p: { email: string }) => p.email).sort()).toEqual(['ben@example.com', 'cara@example.com', 'gus@example.com']);
    expect((await get(`/api/promoters?location=${OTHER}`, staff.dealer)).statusCode).toBe(404);
  });

  it('lists customers whose latest response is a promoter, filtered by location, window, score and consent', async () => {
    const all = (await get('/api/promoters')).json();
    // ana's latest is a detractor; gus's latest (Oct 20, OWN, 9) a promoter.
    expect(all.map((p: { email: string }) => p.email)).toEqual(['jo@example.com', 'gus@example.com', 'cara@example.com', 'ben@example.com']);
    expect(all[1]).toEqual({
      customerId: expect.any(String),
      email: 'gus@example.com',
      name: 'Gus',
      phone: null,
      score: 9,
      locationCode: OWN,
      respondedAt: '2026-10-20T00:00:00.000Z',
      marketingConsent: true,
      optedOut: false,
    });
    const emails = async (query: string, headers?: Record<string, string>) =>
      (await get(`/api/promoters?${query}`, headers)).json().map((p: { email: string }) => p.email);
    expect(await emails('minScore=10')).toEqual(['jo@example.com', 'cara@example.com']);
    expect(await emails('consent=true')).toEqual(['gus@example.com', 'cara@example.com']);
    expect(await emails('consent=false')).toEqual(['jo@example.com', 'ben@example.com']);
    expect(await emails(`location=${OTHER}`)).toEqual(['jo@example.com']);
    expect(await emails('from=2026-09-08&to=2026-10-31')).toEqual(['gus@example.com', 'cara@example.com']);
    expect(await emails('limit=2&offset=1')).toEqual(['gus@example.com', 'cara@example.com']);

    const asCsv = await get('/api/promoters?format=csv&consent=true');
    expect(asCsv.headers['content-disposition']).toContain('promoters.csv');
    const rows = parse(asCsv.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email)).toEqual(['gus@example.com', 'cara@example.com']);
    expect(Object.keys(rows[0])).toEqual(['customerId', 'email', 'name', 'phone', 'score', 'locationCode', 'respondedAt', 'marketingConsent', 'optedOut']);
  });

  it('exports every promoter as CSV, page by page', async () => {
    const db = t.app.get(DataSource);
    const many = csv(...Array.from({ length: 2300 }, (_, i) => csvRow(`M-${i}`, `m${i}@example.com`, OTHER, 9 + (i % 2), '', '', '', `2026-06-${String((i % 28) + 1).padStart(2, '0')}`, '', 'yes')));
    await t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'many.csv', input: Readable.from([Buffer.from(many)]), actor: cliActor('test') });
    const res = await get(`/api/promoters?format=csv&location=${OTHER}&to=2026-06-30`);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2300);
    expect(new Set(rows.map((r) => r.email)).size).toBe(2300);
    await db.query(`DELETE FROM feedback_response WHERE response_id LIKE 'M-%'`);
    await db.query(`DELETE FROM customer WHERE email LIKE 'm%@example.com'`);
  });

  it('renders the NPS page with an inline SVG chart and the promoter page with a CSV link', async () => {
    const nps = await get(`/dashboard/nps?location=${OWN}&from=2026-09-01&to=2026-10-31&interval=month`, { ...staff.dealer, accept: 'text/html' });
    expect(nps.statusCode).toBe(200);
    expect(nps.body).toContain('<svg');
    expect(nps.body).toMatch(/<rect class="bar up"/);
    expect(nps.body).toContain('NPS 28.6');
    expect(nps.body).toContain('<p class="meta">2026-09-01 to 2026-10-31</p>');
    // Each location's link keeps the period and interval.
    expect(decodeHtml(nps.body)).toContain(`href="/dashboard/nps?location=${OWN}&from=2026-09-01&to=2026-10-31&interval=month"`);
    const allTime = await get('/dashboard/nps', { ...staff.dealer, accept: 'text/html' });
    expect(allTime.body).toContain('<p class="meta">All responses to date</p>');
    expect(nps.body).not.toMatch(/<script(?! src="\/assets\/)/);
    expect(nps.body).not.toContain('style=');
    const promoters = await get('/dashboard/promoters?consent=true', { ...staff.marketer, accept: 'text/html' });
    expect(promoters.statusCode).toBe(200);
    expect(promoters.body).toContain('gus@example.com');
    expect(promoters.body).not.toContain('jo@example.com');
    expect(promoters.body.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toContain('href="/api/promoters?consent=true&format=csv"');
    const bad = await get('/dashboard/promoters?minScore=3', { ...staff.marketer, accept: 'text/html' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('minScore must be 9 or 10');
  });

  it('tells one truth about consent: an opt-out, even one made before an erasure, shows and filters as no consent', async () => {
    const db = t.app.get(DataSource);
    const load = (text: string) =>
      t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'c.csv', input: Readable.from([Buffer.from(text)]), actor: cliActor('test') });
    const unsubscribe = async (email: string) => {
      const [customer] = await db.query(`SELECT id FROM customer WHERE email = '${email}'`);
      const token = await t.app.get(PreferenceTokens).reveal(customer.id);
      const res = await t.app.inject({
        method: 'POST',
        url: `/preferences/${token}/unsubscribe`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(res.statusCode).toBe(200);
    };
    const window = 'from=2025-06-01&to=2025-06-30';
    const promoters = async (query = '') => (await get(`/api/promoters?${window}${query}`)).json() as { email: string; marketingConsent: boolean; optedOut: boolean }[];
    const consentOf = async () => Object.fromEntries((await promoters()).map((p) => [p.email, [p.marketingConsent, p.optedOut]]));
    const emails = async (query: string) => (await promoters(query)).map((p) => p.email);

    await load(csv(
      csvRow('C-1', 'kay@example.com', OWN, 10, 'Kay', '', '', '2025-06-10', '', 'yes'),
      csvRow('C-2', 'lou@example.com', OWN, 9, 'Lou', '', '', '2025-06-11', '', 'yes'),
      csvRow('C-3', 'mia@example.com', OWN, 2, 'Mia', '', 'Rude staff', daysAgo(1), '', 'yes'),
    ));
    expect(await consentOf()).toEqual({ 'kay@example.com': [true, false], 'lou@example.com': [true, false] });
    const alertOf = async (headers = staff.marketer) =>
      (await get('/api/alerts', headers)).json().find((a: { responseId: string }) => a.responseId === 'C-3');
    expect(await alertOf()).toMatchObject({ customerName: 'Mia', customerEmail: 'mia@example.com' });

    await unsubscribe('kay@example.com');
    await unsubscribe('mia@example.com');
    // API, its consent filter, the CSV and the staff page.
    expect(await consentOf()).toEqual({ 'kay@example.com': [false, true], 'lou@example.com': [true, false] });
    expect(await emails('&consent=true')).toEqual(['lou@example.com']);
    expect(await emails('&consent=false')).toEqual(['kay@example.com']);
    const rows = parse((await get(`/api/promoters?${window}&format=csv`)).body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.email, r.marketingConsent, r.optedOut])).toEqual([
      ['lou@example.com', 'true', 'false'],
      ['kay@example.com', 'false', 'true'],
    ]);
    const page = (await get(`/dashboard/promoters?${window}`, { ...staff.marketer, accept: 'text/html' })).body;
    const rowOf = (html: string, email: string) => html.split('<tr>').find((row) => row.includes(email)) ?? '';
    expect(rowOf(page, 'kay@example.com')).toContain('No (opted out)');
    expect(rowOf(page, 'lou@example.com')).toMatch(/<td>Yes<\/td>/);
    const consenting = (await get(`/dashboard/promoters?${window}&consent=true`, { ...staff.marketer, accept: 'text/html' })).body;
    expect(consenting).not.toContain('kay@example.com');
    // The detractor alert no longer names the customer who withdrew consent, nor does the email of a new one.
    expect(await alertOf()).toMatchObject({ customerName: null, customerEmail: null });
    await load(csv(csvRow('C-5', 'mia@example.com', OWN, 1, 'Mia', '', 'Worse', daysAgo(0), '', 'yes')));
    const emailsOut = (await db.query(`SELECT payload FROM job_outbox`)).map((r: { payload: unknown }) =>
      typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    );
    const alertEmails = emailsOut.filter((p: { template?: string }) => p.template === 'detractor-alert');
    expect(alertEmails.map((p: { context: { comment: string; consented: boolean; customerEmail: string | null } }) => [p.context.comment, p.context.consented, p.context.customerEmail]))
      .toEqual(expect.arrayContaining([['Rude staff', true, 'mia@example.com'], ['Worse', false, null]]));

    // Erased (the row goes, the HMAC entry stays), then imported again with a survey "yes": still opted out.
    await db.query(`DELETE FROM feedback_response WHERE response_id = 'C-1'`);
    await db.query(`DELETE FROM customer WHERE email = 'kay@example.com'`);
    await load(csv(csvRow('C-4', 'kay@example.com', OWN, 10, 'Kay', '', '', '2025-06-12', '', 'yes')));
    expect(await consentOf()).toEqual({ 'kay@example.com': [false, true], 'lou@example.com': [true, false] });
    expect(await emails('&consent=true')).toEqual(['lou@example.com']);

    for (const id of ['C-2', 'C-3', 'C-4', 'C-5']) {
      await db.query(`DELETE FROM detractor_alert WHERE response_id IN (SELECT id FROM feedback_response WHERE response_id = '${id}')`);
      await db.query(`DELETE FROM feedback_response WHERE response_id = '${id}'`);
    }
    await db.query(`DELETE FROM customer WHERE email IN ('kay@example.com', 'lou@example.com', 'mia@example.com')`);
  });
});
