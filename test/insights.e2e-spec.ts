import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { COMMANDS } from '../src/cli';
import { DataSource } from 'typeorm';
import { cliActor, SYSTEM_ACTOR } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { DigestService } from '../src/insights/digest.service';
import { InsightsReadModel } from '../src/insights/insights.read-model';
import { LocationWeekService } from '../src/insights/location-week.service';
import { LocationsService } from '../src/locations/locations.service';
import { ClicksRepository } from '../src/reach/clicks.repository';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { ReachReports } from '../src/reports/reach-reports.service';
import { DAY_MS } from '../src/common/time/days';
import { RosterService } from '../src/insights/roster.service';
import { count, csv, csvRow, daysAgo, MANAGER, OTHER, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, createTestAppFromEnv, Dialect, TestApp, testEnv } from './support/app';
import { tempDataDir } from './support/database';
import { TestSmtpServer } from './support/smtp-server';

const actor = cliActor('test');
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

/** Detractors at OWN complain mostly about waiting; the brand as a whole mostly about price. */
function feedbackCsv(): string {
  const rows: string[] = [];
  let n = 0;
  const row = (code: string, score: number, name: string, comment: string, days: number) =>
    rows.push(csvRow(`W-${++n}`, `c${n}@example.com`, code, score, name, '', comment, daysAgo(days), '', 'no'));
  row(OWN, 2, 'Ana Silva', 'Waited two hours, call me on 555-123-4567 or ana@example.com. Ana is not happy.', 3);
  row(OWN, 3, 'Ben Ode', 'The wait was ridiculous, Mr Jones at the desk shrugged.', 5);
  row(OWN, 4, 'Cara Lin', 'Took forever to get the keys back', 9);
  row(OWN, 5, 'Dev Rao', 'Too expensive', 12);
  row(OWN, 6, 'Eve Park', 'No wait at all, but the lounge coffee machine was broken. Coffee machine broken again!', 6);
  row(OWN, 6, 'Fay Wu', 'The coffee machine was broken', 7);
  for (let i = 0; i < 6; i++) row(OTHER, 3, `Gus ${i}`, i % 2 ? 'Overpriced service' : 'Way too expensive for a simple job', 4 + i);
  row(OWN, 10, 'Hal Moe', 'Will explained everything and Priya was lovely', 8);
  row(OWN, 9, 'Ida Nye', 'I will be back. Thanks to Grace at the desk!', 20);
  row(OWN, 10, 'Jo Kay', 'Handled with grace, I hope to return. Will definitely recommend', 15);
  row(OWN, 10, 'Kim Lo', 'Sam was great', 40);
  row(OWN, 10, 'Lu Ma', 'Grace sorted my paperwork', 60);
  return csv(...rows);
}

describe.each<Dialect>(['postgres', 'sqlite'])("the location manager's week (%s)", (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let staff: Staff;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect, env: { SMTP_URL: smtp.url } });
    staff = await seedStaff(t);
    const roster = [
      'location_code,first_name,role,never_match',
      `${OWN},Will,Service advisor,no`,
      `${OWN},Grace,Reception,`,
      `${OWN},Priya,Technician,yes`,
      `${OWN},Sam,,no`,
      `${OWN},Hope,,no`,
      `${OTHER},Zed,,no`,
      `NOPE-1,Ghost,,no`,
      `${OWN},,,no`,
    ].join('\n');
    const report = await t.app.get(RosterService).import(Readable.from([Buffer.from(roster)]), actor);
    expect(report).toMatchObject({ created: 6, updated: 0 });
    expect(report.rejected.map((r) => r.line)).toEqual([8, 9]);
    await t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'week.csv', input: Readable.from([Buffer.from(feedbackCsv())]), actor });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('gives the focus theme relative to the brand, its trend and masked quotes', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/locations/${OWN}/week`, headers: staff.dealer });
    expect(res.statusCode).toBe(200);
    const week = res.json();
    // Price is named here too, but it is what the whole brand says; waiting is this location's own problem.
    expect(week.focus).toMatchObject({ theme: 'wait-time', mentions: 3 });
    expect(week.focus.trend).toHaveLength(12);
    expect(week.focus.trend.reduce((n: number, w: { mentions: number }) => n + w.mentions, 0)).toBe(3);
    expect(week.focus.quotes.length).toBeGreaterThanOrEqual(2);
    expect(week.focus.quotes.length).toBeLessThanOrEqual(3);
    const quotes = week.focus.quotes.join(' | ');
    expect(quotes).not.toMatch(/555|ana@example|Ana\b|Jones/);
    expect(quotes).toContain('[phone]');
    expect(quotes).toContain('[email]');
    expect(quotes).not.toMatch(/No wait at all/);
    expect(week.otherMentions.map((m: { phrase: string }) => m.phrase)).toContain('coffee machine');
  });

  it("reads and themes the brand's comments once for all locations of one digest run, with the same figures", async () => {
    const week = t.app.get(LocationWeekService);
    const [own, other] = await Promise.all([t.app.get(LocationsService).get(SYSTEM_ACTOR, OWN), t.app.get(LocationsService).get(SYSTEM_ACTOR, OTHER)]);
    const fresh = await week.forLocation(own, new Date());
    const comments = jest.spyOn(t.app.get(InsightsReadModel), 'comments');
    try {
      const now = new Date();
      const [a, b] = await Promise.all([week.forLocation(own, now), week.forLocation(other, now)]);
      await week.forLocation(own, now);
      expect(comments.mock.calls.filter(([filter]) => !filter.locationIds)).toHaveLength(1);
      expect(a.focus).toEqual(fresh.focus);
      expect(b.location.code).toBe(OTHER);
      // Another moment reads again.
      await week.forLocation(own, new Date(now.getTime() + 1));
      expect(comments.mock.calls.filter(([filter]) => !filter.locationIds)).toHaveLength(2);
    } finally {
      comments.mockRestore();
    }
  });

  it('counts kudos by first name, only where a common word is used as a name, never for "never match"', async () => {
    const week = (await t.app.inject({ method: 'GET', url: `/api/locations/${OWN}/week`, headers: staff.admin })).json();
    expect(week.kudos).toEqual([
      { firstName: 'Grace', count: 2 },
      { firstName: 'Sam', count: 1 },
      { firstName: 'Will', count: 1 },
    ]);
    const page = await t.app.inject({ method: 'GET', url: `/dashboard/locations/${OWN}/week`, headers: staff.dealer });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Hal M.');
    expect(page.body).not.toContain('Hal Moe');
    expect(page.body).toContain('Wait time');
  });

  it('answers the week shape fixed in the issue, and 404 to a dealer for another location', async () => {
    const week = (await t.app.inject({ method: 'GET', url: `/api/locations/${OWN}/week`, headers: staff.marketer })).json();
    expect(Object.keys(week)).toEqual(expect.arrayContaining(['focus', 'kudos', 'advocates', 'reach', 'openAlerts']));
    expect(Object.keys(week.focus)).toEqual(expect.arrayContaining(['theme', 'mentions', 'quotes']));
    expect(week.openAlerts.count).toBe(6); // every score of 6 or less
    expect(week.reach).toMatchObject({ humanClicks: 0, uniqueVisitors: 0 });
    expect((await t.app.inject({ method: 'GET', url: `/api/locations/${OTHER}/week`, headers: staff.dealer })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/dashboard/locations/${OTHER}/week`, headers: staff.dealer })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/dashboard/locations/${OTHER}/roster`, headers: staff.dealer })).statusCode).toBe(404);
  });

  it("counts the week's reach over the last 7 UTC days and the 7 before, as the report's 7 days and its comparison", async () => {
    const db = t.app.get(DataSource);
    const location = await t.app.get(LocationsService).get(actor, OWN);
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/week-reach', locationId: location.id }));
    const now = Date.now();
    const today = now - (now % DAY_MS);
    // Clicks at the edges: the first minute of today, the first and last minutes of 6, 7, 13 and 14 days ago.
    const at = [now, today, today - 6 * DAY_MS, today - 5 * DAY_MS - 60_000, today - 7 * DAY_MS, today - 6 * DAY_MS - 60_000, today - 13 * DAY_MS, today - 14 * DAY_MS - 60_000];
    await t.app.get(ClicksRepository).insertMany(
      at.map((ms, i) => ({ linkId: link.id, occurredAt: new Date(ms), visitorHash: `week-${i}`.padStart(32, '0'), isBot: false, referrerHost: null })),
    );
    const week = await t.app.get(LocationWeekService).forLocation(location, new Date(now));
    const report = await t.app.get(ReachReports).forLocation(actor, OWN, { days: '7', compare: 'previous' }, new Date(now));
    expect(week.reach).toMatchObject({ humanClicks: 4, previousHumanClicks: 3 });
    expect(week.reach).toMatchObject({
      humanClicks: report.reach.humanClicks,
      uniqueVisitors: report.reach.uniqueVisitors,
      previousHumanClicks: report.previous!.reach.humanClicks,
      previousUniqueVisitors: report.previous!.reach.uniqueVisitors,
    });
  });

  it('lets admins and marketers edit a theme (dealers may not)', async () => {
    const denied = await t.app.inject({ method: 'PUT', url: '/api/themes/price', headers: staff.dealer, payload: { enabled: false } });
    expect(denied.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'PUT', url: '/api/themes/price', headers: staff.marketer, payload: { terms: { xx: ['a'] } } });
    expect(bad.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'PUT', url: '/api/themes/price', headers: staff.marketer, payload: { label: 'Prices' } });
    expect(ok.json()).toMatchObject({ key: 'price', label: 'Prices', enabled: true });
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/themes', headers: staff.marketer });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const form = await t.app.inject({
      method: 'POST',
      url: '/dashboard/themes/cleanliness',
      headers: { ...staff.marketer, cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, label: 'Tidiness', enabled: 'on', terms_en: 'dirty\n+clean\ncrumbs', terms_es: 'sucio', terms_fr: '' }).toString(),
    });
    expect(form.statusCode).toBe(303);
    const themes = (await t.app.inject({ method: 'GET', url: '/api/themes', headers: staff.dealer })).json();
    expect(themes.map((x: { key: string }) => x.key)).toEqual(expect.arrayContaining(['wait-time', 'price', 'staff-attitude', 'cleanliness']));
    expect(themes.find((x: { key: string }) => x.key === 'cleanliness')).toMatchObject({ label: 'Tidiness', enabled: true, terms: { en: ['dirty', '+clean', 'crumbs'], es: ['sucio'], fr: [] } });
  });
});

describe('the Monday digest (postgres and Redis, two processes)', () => {
  let smtp: TestSmtpServer;
  let env: ReturnType<typeof testEnv>;
  let a: TestApp;
  let b: TestApp;
  let staff: Staff;
  /** Monday 30 November 2026, 08:30 UTC (the test locations are on UTC). */
  const monday = new Date('2026-11-30T08:30:00Z');

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    env = testEnv({ dialect: 'postgres', redis: true, env: { SMTP_URL: smtp.url } }); // more than one process: BullMQ, as in production
    a = await createTestAppFromEnv(env.env, env.schema);
    b = await createTestAppFromEnv(env.env, env.schema);
    staff = await seedStaff(a);
    await a.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'week.csv', input: Readable.from([Buffer.from(feedbackCsv())]), actor });
    await smtp.waitFor(12); // the detractor alerts
    await settle();
    smtp.clear();
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
    await smtp?.close();
  });

  it('imports a roster CSV from the command line (roster:import), exiting 1 when a row is rejected', async () => {
    const file = join(tempDataDir('roster-'), 'roster.csv');
    writeFileSync(file, `location_code,first_name,role,never_match\n${OWN},Marta,Parts,no\n${OWN},Will,,yes\nNOPE-9,Ghost,,\n`);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await COMMANDS['roster:import'](a.config, [file], {});
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual(['created 2, updated 0, rejected 1', '  line 4: Unknown location code NOPE-9']);
      expect(process.exitCode).toBe(1);
    } finally {
      log.mockRestore();
      process.exitCode = undefined;
    }
    const { entries } = await a.app.get(RosterService).list(actor, OWN);
    expect(entries.map((e) => [e.firstName, e.role, e.neverMatch])).toEqual([['Marta', 'Parts', false], ['Will', null, true]]);
  });

  it('rate limits the public unsubscribe link', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await a.app.inject({ method: 'GET', url: '/digest/unsubscribe?t=not.valid' })).statusCode);
    expect(statuses.slice(0, 10)).toEqual(new Array(10).fill(404));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('is not due before Monday 08:00 local time', async () => {
    expect(await a.app.get(DigestService).sendDue(new Date('2026-11-30T07:59:00Z'))).toBe(0);
    expect(await a.app.get(DigestService).sendDue(new Date('2026-12-02T09:00:00Z'))).toBe(0);
  });

  it('sends once per recipient and week, whatever two workers and a restart do', async () => {
    const db = a.app.get(DataSource);
    const before = await count(db, 'SELECT COUNT(*) AS n FROM marketing_message');
    const results = await Promise.all([a.app.get(DigestService).sendDue(monday), b.app.get(DigestService).sendDue(monday), a.app.get(DigestService).sendDue(monday)]);
    // OWN: its manager and the dealer; OTHER: its manager.
    expect(results.reduce((x, y) => x + y, 0)).toBe(3);
    const messages = await smtp.waitFor(3);
    await settle();
    expect(smtp.messages).toHaveLength(3);
    expect(messages.map((m) => m.envelope.to[0]).sort()).toEqual([MANAGER[OWN], MANAGER[OTHER], 'dealer@staff.example.com'].sort());

    await b.stop();
    b = await createTestAppFromEnv(env.env, env.schema); // a restart on the same data
    expect(await b.app.get(DigestService).sendDue(new Date(monday.getTime() + 60 * 60_000))).toBe(0);
    await settle();
    expect(smtp.messages).toHaveLength(3);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM digest_delivery')).toBe(3);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM marketing_message')).toBe(before);

    const own = messages.find((m) => m.envelope.to.includes(MANAGER[OWN]))!;
    expect(own.parsed.subject).toBe('Your week at Downtown: focus on wait time');
    expect(own.parsed.text).toContain('Wait time');
    expect(own.parsed.text).not.toMatch(/555-123|ana@example\.com/);
    expect(own.raw.toString()).toMatch(/List-Unsubscribe:\s+<http[^>]*\/digest\/unsubscribe\?t=[^>]+>/);
    expect(own.raw.toString()).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('stops for a staff member who unsubscribes with one click, and for a location turned off', async () => {
    smtp.clear();
    const dealerMail = (await a.app.get(DigestService).unsubscribeUrl('dealer@staff.example.com')).replace(/^https?:\/\/[^/]+/, '');
    const forged = await a.app.inject({ method: 'POST', url: dealerMail.replace(/\.[^.]+$/, '.AAAA'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(forged.statusCode).toBe(404);
    const done = await a.app.inject({ method: 'POST', url: dealerMail, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(done.statusCode).toBe(200);

    const page = await a.app.inject({ method: 'GET', url: `/dashboard/locations/${OTHER}/week`, headers: staff.marketer });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const cookies = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const off = await a.app.inject({
      method: 'POST',
      url: `/dashboard/locations/${OTHER}/week/digest`,
      headers: { ...staff.marketer, cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}&enabled=false`,
    });
    expect(off.statusCode).toBe(303);

    const nextMonday = new Date(monday.getTime() + 7 * 24 * 60 * 60_000);
    expect(await a.app.get(DigestService).sendDue(nextMonday)).toBe(1);
    const [only] = await smtp.waitFor(1);
    await settle();
    expect(smtp.messages).toHaveLength(1);
    expect(only.envelope.to).toEqual([MANAGER[OWN]]);
  });
});
