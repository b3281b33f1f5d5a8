import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { LocationsService } from '../src/locations/locations.service';
import { SettingsService } from '../src/settings/settings.service';
import { clearFeedback, count, csv, csvRow, daysAgo, MANAGER, OTHER, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { TestSmtpServer } from './support/smtp-server';

const NO_MANAGER = 'DLR-009';

describe.each<Dialect>(['postgres', 'sqlite'])('detractor alerts (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  const actor = cliActor('test');
  const importText = (text: string) =>
    t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'alerts.csv', input: Readable.from([Buffer.from(text)]), actor });
  const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url, headers, payload });
  /** No more mail arrives within a short while (the outbox relays at once after a commit). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect, env: { SMTP_URL: smtp.url, BRAND_NAME: 'Springfield Motors' } });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
    await t.app.get(LocationsService).create(actor, { code: NO_MANAGER, name: 'No manager yet' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  beforeEach(async () => {
    await clearFeedback(db);
    smtp.clear();
  });

  it('raises exactly one alert per new recent detractor and emails its location manager', async () => {
    const result = await importText(
      csv(
        csvRow('A-1', 'ana@example.com', OWN, 2, 'Ana Silva', '+1 555 0101', 'The car still rattles', daysAgo(2), '', 'yes'),
        csvRow('A-2', 'ben@example.com', OTHER, 5, 'Ben Ode', '', 'Rude <b>staff</b>', daysAgo(1), '', 'no'),
        csvRow('A-3', 'cara@example.com', OWN, 1, 'Cara Lin', '', 'Old news', daysAgo(100), '', 'yes'),
        csvRow('A-4', 'dev@example.com', OWN, 10, 'Dev Rao', '', 'Perfect', daysAgo(1), '', 'yes'),
        csvRow('A-5', 'eli@example.com', NO_MANAGER, 0, 'Eli Park', '', 'Nobody answers', daysAgo(1), '', 'yes'),
      ),
    );
    expect(result.alerts).toBe(3);
    const messages = await smtp.waitFor(2);
    await settle();
    expect(smtp.messages).toHaveLength(2);

    const own = messages.find((m) => m.envelope.to.includes(MANAGER[OWN]))!;
    expect(own.parsed.subject).toBe('Detractor alert: 2/10 at Downtown');
    expect(own.parsed.text).toContain('2 out of 10');
    expect(own.parsed.text).toContain('The car still rattles');
    expect(own.parsed.text).toContain('Ana Silva, ana@example.com');
    expect(own.parsed.html).toContain('mailto:ana@example.com');

    const other = messages.find((m) => m.envelope.to.includes(MANAGER[OTHER]))!;
    expect(other.parsed.text).toContain('Rude <b>staff</b>');
    expect(other.parsed.html).toContain('Rude &lt;b&gt;staff&lt;/b&gt;');
    expect(other.parsed.text).toContain('did not agree to be contacted');
    expect(`${other.parsed.text}${other.parsed.html}`).not.toMatch(/Ben Ode|ben@example\.com/);

    const alerts = (await api('GET', '/api/alerts', staff.admin)).json();
    expect(alerts.map((a: { responseId: string }) => a.responseId).sort()).toEqual(['A-1', 'A-2', 'A-5']);
    expect(alerts.find((a: { responseId: string }) => a.responseId === 'A-5')).toMatchObject({ notified: false, status: 'open' });
    expect(alerts.find((a: { responseId: string }) => a.responseId === 'A-1')).toMatchObject({
      customerName: 'Ana Silva',
      customerEmail: 'ana@example.com',
      score: 2,
      locationCode: OWN,
    });
    expect(alerts.find((a: { responseId: string }) => a.responseId === 'A-2')).toMatchObject({ customerName: null, customerEmail: null });
  });

  it('raises none on re-import, none for history, and none for a detractor that only changed its comment', async () => {
    const file = csv(
      csvRow('B-1', 'ana@example.com', OWN, 3, '', '', 'Slow', daysAgo(1), '', 'yes'),
      csvRow('B-2', 'ben@example.com', OWN, 3, '', '', 'Way back when', daysAgo(15), '', 'yes'),
      csvRow('B-3', 'cara@example.com', OWN, 8, '', '', 'Fine', daysAgo(1), '', 'yes'),
    );
    expect((await importText(file)).alerts).toBe(1);
    await smtp.waitFor(1);
    expect((await importText(file)).alerts).toBe(0);
    const changed = csv(
      csvRow('B-1', 'ana@example.com', OWN, 2, '', '', 'Slow, and then they lost my keys', daysAgo(1), '', 'yes'),
      csvRow('B-3', 'cara@example.com', OWN, 4, '', '', 'On second thought: not fine', daysAgo(1), '', 'yes'),
    );
    // B-3 changed from passive to detractor: that is news for the manager; B-1 already has its alert.
    expect((await importText(changed)).alerts).toBe(1);
    await smtp.waitFor(2);
    await settle();
    expect(smtp.messages).toHaveLength(2);
    expect(await count(db, 'SELECT COUNT(*) FROM detractor_alert')).toBe(2);
    expect(await count(db, 'SELECT COUNT(*) FROM job_outbox')).toBeLessThanOrEqual(2);
  });

  it('follows the alert window setting', async () => {
    const settings = t.app.get(SettingsService);
    await settings.update(actor, { alertWindowDays: 3 });
    try {
      const result = await importText(
        csv(
          csvRow('W-1', 'ana@example.com', OWN, 3, '', '', '', daysAgo(2), '', ''),
          csvRow('W-2', 'ben@example.com', OWN, 3, '', '', '', daysAgo(5), '', ''),
        ),
      );
      expect(result.alerts).toBe(1);
    } finally {
      await settings.update(actor, { alertWindowDays: 14 });
    }
  });

  it('shows dealers only their locations’ alerts and lets them resolve those, audited without the note', async () => {
    await importText(
      csv(
        csvRow('D-1', 'ana@example.com', OWN, 3, '', '', 'Own location', daysAgo(1), '', ''),
        csvRow('D-2', 'ben@example.com', OTHER, 3, '', '', 'Other location', daysAgo(1), '', ''),
      ),
    );
    const mine = (await api('GET', '/api/alerts', staff.dealer)).json();
    expect(mine.map((a: { responseId: string }) => a.responseId)).toEqual(['D-1']);
    expect((await api('GET', `/api/alerts?location=${OTHER}`, staff.dealer)).statusCode).toBe(404);
    const all = (await api('GET', '/api/alerts?status=open', staff.marketer)).json();
    const other = all.find((a: { responseId: string }) => a.responseId === 'D-2');

    expect((await api('POST', `/api/alerts/${other.id}/resolve`, staff.dealer, { note: 'Not mine' })).statusCode).toBe(404);
    expect((await api('POST', `/api/alerts/${mine[0].id}/resolve`, staff.dealer, { note: '  ' })).statusCode).toBe(400);
    const resolved = await api('POST', `/api/alerts/${mine[0].id}/resolve`, staff.dealer, { note: 'Called Ana; fixed for free.' });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolutionNote: 'Called Ana; fixed for free.', resolvedAt: expect.any(String) });
    expect((await api('POST', `/api/alerts/${mine[0].id}/resolve`, staff.dealer, { note: 'again' })).statusCode).toBe(409);

    expect((await api('GET', '/api/alerts?status=open', staff.dealer)).json()).toEqual([]);
    expect((await api('GET', '/api/alerts?status=resolved', staff.dealer)).json()).toHaveLength(1);

    const [event] = await db.query(`SELECT actor_type, actor_id, details FROM audit_event WHERE action = 'alert.resolve' AND subject_id = '${mine[0].id}'`);
    expect(event).toMatchObject({ actor_type: 'staff' });
    expect(JSON.stringify(event)).not.toContain('Called Ana');
    expect(await count(db, `SELECT COUNT(*) FROM audit_event WHERE action = 'alert.create' AND subject_id = '${mine[0].id}'`)).toBe(1);

    const csvList = await api('GET', '/api/alerts?status=resolved&format=csv', staff.dealer);
    expect(csvList.headers['content-type']).toContain('text/csv');
    expect(csvList.body).toContain('Called Ana; fixed for free.');
  });

  it('resolves from the alerts page with a note', async () => {
    await importText(csv(csvRow('P-1', 'ana@example.com', OWN, 3, '', '', 'Page test', daysAgo(1), '', ''), csvRow('P-2', 'bo.page@example.com', OWN, 2, 'Bo Page', '', 'Call me', daysAgo(1), '', 'yes')));
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/alerts', headers: { ...staff.dealer, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Page test');
    // A customer who agreed to be contacted is one click from an email.
    expect(page.body).toContain('Customer: Bo Page &lt;<a href="mailto:bo.page@example.com">bo.page@example.com</a>&gt;');
    const card = page.body.split('<article').find((a) => a.includes('Page test'))!;
    const action = /action="(\/dashboard\/alerts\/[0-9a-f-]+\/resolve)"/.exec(card)![1];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const cookie = [page.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]).join('; ');
    const posted = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...staff.dealer, accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, note: 'Apologised and booked a free check', status: 'open' }).toString(),
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/dashboard/alerts?status=open&notice=resolved');
    const resolved = (await api('GET', '/api/alerts?status=resolved', staff.dealer)).json();
    expect(resolved[0]).toMatchObject({ responseId: 'P-1', resolutionNote: 'Apologised and booked a free check' });
  });

  it('sorts alerts by date, newest or oldest first, on the page and in the API, and keeps the order after resolving', async () => {
    // Three imports, one detractor each: three alerts raised one after the other.
    for (const [id, email] of [['S-1', 'sa@example.com'], ['S-2', 'sb@example.com'], ['S-3', 'sc@example.com']]) {
      await importText(csv(csvRow(id, email, OWN, 2, '', '', `Sorted ${id}`, daysAgo(1), '', '')));
    }
    const ids = (order: string) => api('GET', `/api/alerts?status=open${order}`, staff.marketer).then((r) => r.json().map((a: { responseId: string }) => a.responseId));
    expect(await ids('')).toEqual(['S-3', 'S-2', 'S-1']);
    expect(await ids('&order=newest')).toEqual(['S-3', 'S-2', 'S-1']);
    expect(await ids('&order=oldest')).toEqual(['S-1', 'S-2', 'S-3']);
    expect((await api('GET', '/api/alerts?order=sideways', staff.marketer)).statusCode).toBe(400);

    const page = await t.app.inject({ method: 'GET', url: '/dashboard/alerts?status=open&order=oldest', headers: { ...staff.marketer, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="order">Sort by date</label>');
    expect(page.body).toContain('<option value="oldest" selected>Oldest first</option>');
    expect(page.body.indexOf('Sorted S-1')).toBeLessThan(page.body.indexOf('Sorted S-3'));
    const newest = await t.app.inject({ method: 'GET', url: '/dashboard/alerts?status=open', headers: { ...staff.marketer, accept: 'text/html' } });
    expect(newest.body.indexOf('Sorted S-3')).toBeLessThan(newest.body.indexOf('Sorted S-1'));

    const action = /action="(\/dashboard\/alerts\/[0-9a-f-]+\/resolve)"/.exec(page.body)![1];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const cookie = [page.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]).join('; ');
    const posted = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...staff.marketer, accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, note: 'Called back', status: 'open', order: 'oldest' }).toString(),
    });
    expect(posted.headers.location).toBe('/dashboard/alerts?status=open&order=oldest&notice=resolved');
  });
});
