import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { csv, csvRow, OTHER, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

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
    expect(Object.keys(rows[0])).toEqual(['customerId', 'email', 'name', 'phone', 'score', 'locationCode', 'respondedAt', 'marketingConsent']);
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
});
