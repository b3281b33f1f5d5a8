import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { hashToken, newToken } from '../src/preferences/tokens';
import { linkIn, pathOf, waitFor } from './campaign-fixtures';
import { insertShare } from './factories/shares';
import { csv, csvRow, daysAgo, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { whereStored } from './support/secret-scan';
import { outboxEmails } from './support/outbox';

const EMAIL = 'xena.export@example.com';

/**
 * Both dialects. Data export (GDPR Art. 15/20): asked for on the preference page, a 24-hour single-use link by
 * email (token stored hashed), a readable summary and a JSON file of everything held; staff export by address.
 */
describe.each<Dialect>(['postgres', 'sqlite'])('data export (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  let customerId: string;
  const q = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const emails = () => {
    return outboxEmails(t.config.dataDir).map((eml) => eml.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
    await t.app.get(ImportFeedbackUseCase).run({
      source: 'cli',
      filename: 'x.csv',
      input: Readable.from([
        Buffer.from(
          csv(
            csvRow('exp-1', EMAIL, OWN, 10, 'Xena Export', '+1-555-0111', 'Superb <b>team</b>', daysAgo(2), '', 'yes'),
            csvRow('exp-0', EMAIL, OWN, 3, 'Xena Export', '', 'Waited an hour', daysAgo(5), '', 'yes'),
          ),
        ),
      ]),
      actor: cliActor('test'),
    });
    customerId = (await q('SELECT id FROM customer WHERE email = ?', [EMAIL]))[0].id;
    const { recommendationId } = await insertShare(db, { customerId, locationId: (await q('SELECT id FROM location WHERE code = ?', [OWN]))[0].id });
    await q('INSERT INTO recommendation_approval_request (recommendation_id, ip, user_agent) VALUES (?, ?, ?)', [recommendationId, '198.51.100.4', 'Mozilla/5.0']);
    // Staff followed her low score up: the note is about her, so it is hers to see.
    const [{ id: alertId }] = await q('SELECT id FROM detractor_alert');
    const resolved = await t.app.inject({ method: 'POST', url: `/api/alerts/${alertId}/resolve`, headers: staff.dealer, payload: { note: 'Called Xena, apologised' } });
    expect(resolved.statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  it('emails a single-use link from the preference page; its page and JSON file hold everything', async () => {
    const token = await t.app.get(PreferenceTokens).reveal(customerId);
    const browser = new FormBrowser(t.app);
    const sent = await browser.submit(`/preferences/${token}`, `/preferences/${token}/export`, {});
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Check your email');

    const mail = (await waitFor(() => emails().find((e) => e.includes('Subject: Your data') && e.includes(EMAIL)), 'the export email')) as string;
    const path = pathOf(linkIn(mail, 'export'));
    const raw = path.split('/')[2];
    // Only the hash is stored.
    expect(await whereStored(db, raw)).toEqual([]);
    expect(await q('SELECT count(*) AS n FROM data_export_token WHERE token_hash = ?', [hashToken(raw)])).toHaveLength(1);

    const summary = await browser.get(path);
    expect(summary.statusCode).toBe(200);
    expect(summary.headers['cache-control']).toBe('no-store');
    expect(summary.body).toContain('Superb &lt;b&gt;team&lt;/b&gt;');
    expect(summary.body).toContain('198.51.100.4');
    // Dates as a person reads them, not timestamps.
    expect(summary.body).toMatch(/<li>\d{4}-\d{2}-\d{2} · Downtown · score 10: /);
    expect((await browser.get(path)).statusCode).toBe(200); // reading the summary does not use the link up

    const file = await t.app.inject({ method: 'GET', url: `${path}/data.json` });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain('attachment');
    const data = file.json();
    expect(data.customer).toMatchObject({ id: customerId, email: EMAIL, name: 'Xena Export', phone: '+1-555-0111', marketing_consent: true });
    expect(data.responses).toEqual([
      expect.objectContaining({ response_id: 'exp-0', score: 3 }),
      expect.objectContaining({ response_id: 'exp-1', score: 10, comment: 'Superb <b>team</b>', location: 'Downtown' }),
    ]);
    expect(data.alerts).toEqual([expect.objectContaining({ response_id: 'exp-0', status: 'resolved', resolution_note: 'Called Xena, apologised', location: 'Downtown' })]);
    expect(summary.body).toContain('Follow-ups of your low scores by our staff: 1.');
    expect(data.recommendations).toEqual([expect.objectContaining({ approval_ip: '198.51.100.4', approval_browser: 'Mozilla/5.0', text: 'Great service, thank you!', hidden_reason: null })]);
    expect(data.invitations).toHaveLength(1);
    expect(data.shares).toEqual([expect.objectContaining({ channel: 'x_post' })]);
    expect(data.consentHistory.length).toBeGreaterThanOrEqual(1);
    expect(data.preferenceChanges.map((c: { action: string }) => c.action)).toContain('customer.export_request');
    expect(Array.isArray(data.rewards)).toBe(true);

    // Single use: the file and the page are gone.
    expect((await t.app.inject({ method: 'GET', url: `${path}/data.json` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    const audits = await q(`SELECT action, details FROM audit_event WHERE subject_id = ? AND action LIKE 'customer.export%'`, [customerId]);
    expect(audits.map((a: { action: string }) => a.action).sort()).toEqual(['customer.export', 'customer.export_request']);
    expect(JSON.stringify(audits)).not.toContain('@');
  });

  it('refuses an expired link with the same page as an unknown one', async () => {
    const raw = newToken();
    const past = new Date(Date.now() - 60_000).toISOString();
    await q('INSERT INTO data_export_token (id, customer_id, token_hash, expires_at) VALUES (?, ?, ?, ?)', [
      randomUUID(),
      customerId,
      hashToken(raw),
      dialect === 'postgres' ? past : past.replace('T', ' ').replace('Z', ''),
    ]);
    const expired = await t.app.inject({ method: 'GET', url: `/export/${raw}/data.json` });
    const unknown = await t.app.inject({ method: 'GET', url: `/export/${newToken()}/data.json` });
    expect(expired.statusCode).toBe(404);
    const withoutCsrf = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(withoutCsrf(expired.body)).toBe(withoutCsrf(unknown.body));
  });

  it('lets admins export by address, for requests that arrive by letter', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/customers/export', headers: staff.marketer, payload: { email: EMAIL } })).statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: '/api/customers/export', headers: staff.admin, payload: { email: EMAIL.toUpperCase() } });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer.email).toBe(EMAIL);
    expect((await t.app.inject({ method: 'POST', url: '/api/customers/export', headers: staff.admin, payload: { email: 'nobody@example.com' } })).statusCode).toBe(404);

    // The same from the small staff form.
    const admin = new FormBrowser(t.app);
    expect((await admin.signIn('admin@staff.example.com', 'feedback-tests-password-1')).statusCode).toBe(303);
    const download = await admin.submit('/dashboard/privacy', '/dashboard/privacy/export', { email: EMAIL });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(JSON.parse(download.body).customer.email).toBe(EMAIL);
    const unknown = await admin.submit('/dashboard/privacy', '/dashboard/privacy/export', { email: 'nobody@example.com' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('No customer has this email address.');
    const dealer = new FormBrowser(t.app);
    await dealer.signIn('dealer@staff.example.com', 'feedback-tests-password-1');
    expect((await dealer.get('/dashboard/privacy')).statusCode).toBe(403);
  });
});
