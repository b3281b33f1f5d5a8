import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FanOutCampaign } from '../src/campaigns/fan-out-campaign';
import { InviteCustomers } from '../src/campaigns/invite-customers';
import { Location } from '../src/locations/location.entity';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { ALL_DAY, seedCustomers, seedLocation, staffHeader, waitFor } from './campaign-fixtures';
import { FormBrowser } from './support/form-browser';
import { createTestApp, Dialect, TestApp } from './support/app';
import { ONE_CLICK_UNSUBSCRIBES_PER_MINUTE, PREFERENCE_PAGES_PER_MINUTE } from '../src/preferences/preferences.controller';
import { TestSmtpServer } from './support/smtp-server';

/**
 * Both dialects. A customer's own choices: RFC 8058 one-click opt-out (no cookie, no CSRF token) that stops even an
 * invitation already queued, the suppression list surviving re-imports and erasure, the preference
 * page, the one page for every link that doesn't work, and the rate-limited fresh-link form.
 */
describe.each<Dialect>(['sqlite', 'postgres'])('preferences and opt-out (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let db: DataSource;
  let headers: Record<string, string>;
  let location: Location;
  let campaignId: string;
  const ids: Record<string, string> = {};
  const token = (customerId: string) => t.app.get(PreferenceTokens).reveal(customerId);
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, payload, headers });
  /** Raw SQL with `?` placeholders in either dialect. */
  const query = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  /** A customer's audit events (details parsed), in a stable order: events of one transaction share a time. */
  const auditOf = async (customerId: string) =>
    ((await query(`SELECT action, actor_type, actor_id, details FROM audit_event WHERE subject_id = ? ORDER BY created_at`, [customerId])) as {
      action: string;
      actor_type: string;
      actor_id: string;
      details: unknown;
    }[]).map((a) => ({ ...a, details: typeof a.details === 'string' ? JSON.parse(a.details) : a.details }));

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect, env: { SMTP_URL: `${smtp.url}?pool=false` } });
    db = t.app.get(DataSource);
    headers = (await staffHeader(t.app, 'marketer')).headers;
    location = await seedLocation(t.app, 'DLR-001', 'Downtown', 'UTC');
    const [ana, ben, cara, dan] = await seedCustomers(db, [
      { email: 'ana@example.com', name: 'Ana', score: 10, consent: true, location },
      { email: 'ben@example.com', name: 'Ben', score: 10, consent: true, location },
      { email: 'cara@example.com', name: 'Cara', score: 9, consent: true, location },
      { email: 'dan@example.com', name: 'Dan', score: 9, consent: false, location },
    ]);
    Object.assign(ids, { ana, ben, cara, dan });

    // Sending hours that are closed right now: launching invites nobody yet.
    const hour = new Date().getUTCHours();
    const closed = { from: (hour + 2) % 24, to: ((hour + 3) % 24) || 24 };
    // Scores of 10 only: once its hours open, this campaign may invite whoever qualifies at its next tick, and
    // cara (9) is kept for the later tests' campaign.
    campaignId = (await api('POST', '/api/campaigns', { name: 'Queued', locations: ['DLR-001'], minScore: 10, sendingHours: closed })).json().id;
    expect((await api('POST', `/api/campaigns/${campaignId}/launch`)).statusCode).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('one-click POST with no cookie and no CSRF token stops an invitation that is already queued', async () => {
    // Invitations claimed and queued, held back by the sending hours.
    const created = await t.app.get(InviteCustomers).execute(campaignId, [ids.ana, ids.ben]);
    expect(created).toHaveLength(2);
    await waitFor(async () => Number((await query(`SELECT count(*) AS n FROM invitation WHERE status = 'pending'`))[0].n) === 2, 'pending invitations');

    const res = await t.app.inject({
      method: 'POST',
      url: `/preferences/${await token(ids.ana)}/unsubscribe`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('Unsubscribed\n');
    expect(res.headers['set-cookie']).toBeUndefined();

    // The hours open; the queued messages are picked up again.
    expect((await api('PATCH', `/api/campaigns/${campaignId}`, { sendingHours: ALL_DAY })).statusCode).toBe(200);
    await t.app.get(FanOutCampaign).requeueUnsent(campaignId, new Date(), new Date());
    const [message] = await smtp.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(['ben@example.com']);
    expect(message.parsed.text).toContain('Hi Ben,');

    const rows = await query(`SELECT customer_id, status FROM invitation ORDER BY status`);
    expect(rows).toEqual([
      { customer_id: ids.ana, status: 'cancelled' },
      { customer_id: ids.ben, status: 'sent' },
    ]);
    // ana's cap slot was given back: the message was never sent.
    expect(await db.query(`SELECT customer_id FROM marketing_message`)).toEqual([{ customer_id: ids.ben }]);
    expect(await auditOf(ids.ana)).toEqual([
      { action: 'customer.marketing_email_change', actor_type: 'customer', actor_id: ids.ana, details: { marketingEmail: false, via: 'one_click' } },
    ]);
  });

  it('accepts the one-click POST as multipart/form-data too, and a second one changes nothing', async () => {
    const url = `/preferences/${await token(ids.ben)}/unsubscribe`;
    const { payload, headers: formHeaders } = multipartField('List-Unsubscribe', 'One-Click');
    expect((await t.app.inject({ method: 'POST', url, headers: formHeaders, payload })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })).statusCode).toBe(200);
    expect((await auditOf(ids.ben)).filter((a: { action: string }) => a.action === 'customer.marketing_email_change')).toHaveLength(1);
  });

  it('the footer link in a browser asks first: a GET never unsubscribes (mail scanners follow links)', async () => {
    const cara = await token(ids.cara);
    const page = await t.app.inject({ method: 'GET', url: `/preferences/${cara}/unsubscribe`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="/preferences/${cara}/unsubscribe"`);
    expect(await query('SELECT * FROM suppression WHERE customer_id = ?', [ids.cara])).toEqual([]);
  });

  it('keeps an opted-out address suppressed through a re-import, and through erasure and re-creation', async () => {
    // A re-import writes the survey's consent answer back onto the customer row.
    await query('UPDATE customer SET marketing_consent = ? WHERE id = ?', [false, ids.ana]);
    await query('UPDATE customer SET marketing_consent = ? WHERE id = ?', [true, ids.ana]);
    const second = (await api('POST', '/api/campaigns', { name: 'Second', locations: ['DLR-001'], sendingHours: ALL_DAY })).json().id;
    let dry = (await api('POST', `/api/campaigns/${second}/dry-run`)).json();
    expect(dry.totals).toMatchObject({ invite: 1, suppressed: 2, noConsent: 1 }); // cara invited; ana, ben suppressed

    // Erased, then imported again as a new customer row: the HMAC entry still matches the address.
    await query('DELETE FROM customer WHERE id = ?', [ids.ana]);
    expect(await db.query('SELECT customer_id FROM suppression WHERE customer_id IS NULL')).toHaveLength(1);
    const [again] = await seedCustomers(db, [{ email: 'ANA@example.com', name: 'Ana', score: 10, consent: true, location }]);
    dry = (await api('POST', `/api/campaigns/${second}/dry-run`)).json();
    expect(dry.totals).toMatchObject({ invite: 1, suppressed: 2 });
    // The dry run only reads; the fan-out links the entry to the new row when it meets it.
    expect(await query('SELECT customer_id FROM suppression WHERE customer_id = ?', [again])).toHaveLength(0);

    smtp.clear();
    await api('POST', `/api/campaigns/${second}/launch`);
    await smtp.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(['cara@example.com']);
    expect(await query('SELECT customer_id FROM suppression WHERE customer_id = ?', [again])).toHaveLength(1);
    await api('POST', `/api/campaigns/${second}/end`);
  });

  it('the preference page shows and changes marketing email and rewards; its form needs the CSRF token', async () => {
    const cara = await token(ids.cara);
    const browser = new FormBrowser(t.app);
    const page = await browser.get(`/preferences/${cara}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('For c•••@example.com');
    expect(page.body).not.toContain('cara@example.com');
    expect(page.body).toMatch(/id="marketingEmail" name="marketingEmail" checked/);
    expect(page.body).not.toMatch(/id="rewards" name="rewards" checked/);

    expect((await browser.post(`/preferences/${cara}`, { marketingShown: '1', rewards: 'on' }, null)).statusCode).toBe(403);
    const saved = await browser.post(`/preferences/${cara}`, { marketingShown: '1', rewards: 'on' });
    expect(saved.statusCode).toBe(303);
    const after = await browser.get(saved.headers.location as string);
    expect(after.body).toContain('Your choices are saved.');
    expect(after.body).not.toMatch(/id="marketingEmail" name="marketingEmail" checked/);
    expect(after.body).toMatch(/id="rewards" name="rewards" checked/);

    await browser.post(`/preferences/${cara}`, { marketingShown: '1', marketingEmail: 'on', rewards: 'on' });
    const changes = (await auditOf(ids.cara)).map((a) => [a.action, a.details]);
    expect(changes).toHaveLength(3);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['customer.marketing_email_change', { marketingEmail: false, via: 'preferences' }],
        ['customer.rewards_change', { rewards: true }],
        ['customer.marketing_email_change', { marketingEmail: true, via: 'preferences' }],
      ]),
    );
    // The opt-out came first, the opt-in last.
    expect(changes[changes.length - 1]).toEqual(['customer.marketing_email_change', { marketingEmail: true, via: 'preferences' }]);
    expect(await query('SELECT * FROM suppression WHERE customer_id = ?', [ids.cara])).toEqual([]);
    expect(JSON.stringify(await db.query('SELECT * FROM audit_event'))).not.toMatch(/example\.com/);
  });

  it('offers no marketing switch to a customer whose survey recorded no consent', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/preferences/${await token(ids.dan)}`, headers: { accept: 'text/html' } });
    expect(page.body).toContain('You are not on our marketing list');
    expect(page.body).not.toContain('name="marketingEmail"');
  });

  it('limits the preference pages per address, answering 429 with Retry-After; one-click posts keep a larger limit', async () => {
    for (let i = 0; i < PREFERENCE_PAGES_PER_MINUTE; i++) {
      expect((await t.app.inject({ method: 'GET', url: `/preferences/not-a-token-${i}`, remoteAddress: '203.0.113.77' })).statusCode).not.toBe(429);
    }
    const limited = await t.app.inject({ method: 'GET', url: '/preferences/not-a-token-x', remoteAddress: '203.0.113.77' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: '/preferences/not-a-token-x/unsubscribe', remoteAddress: '203.0.113.77' })).statusCode).toBe(429);
    expect((await t.app.inject({ method: 'POST', url: '/preferences/not-a-token-x/unsubscribe', remoteAddress: '203.0.113.77' })).statusCode).toBe(404);
    expect(ONE_CLICK_UNSUBSCRIBES_PER_MINUTE).toBeGreaterThan(PREFERENCE_PAGES_PER_MINUTE);
  });
});

function multipartField(name: string, value: string) {
  const boundary = `----goodword${randomBytes(8).toString('hex')}`;
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${boundary}--\r\n`;
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
