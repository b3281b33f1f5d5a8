import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { newToken } from '../src/preferences/tokens';
import { ALL_DAY, linkIn, pathOf, rawHeader, seedCustomers, seedLocation, sendsRecorded, staffHeader } from './campaign-fixtures';
import { FormBrowser } from './support/form-browser';
import { createTestApp, TestApp } from './support/app';
import { TestSmtpServer } from './support/smtp-server';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Customer links: every unknown, expired or revoked invitation or preference link gets the same
 * page (nothing to learn from it), which offers a fresh link by email: the same answer for known and
 * unknown addresses, limited per address and per IP, counting toward no marketing cap.
 */
describe('invitation and preference links (SQLite)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let db: DataSource;
  let ben: string;
  let invitationLink: string;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect: 'sqlite', env: { SMTP_URL: `${smtp.url}?pool=false` } });
    db = t.app.get(DataSource);
    const { headers } = await staffHeader(t.app, 'marketer');
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown');
    [ben] = await seedCustomers(db, [{ email: 'ben@example.com', name: 'Ben Ode', score: 10, consent: true, location, comment: 'Lovely people' }]);
    const campaign = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Links', sendingHours: ALL_DAY } })).json();
    await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/launch`, headers });
    const [message] = await smtp.waitFor(1);
    await sendsRecorded(db);
    invitationLink = pathOf(linkIn(message.parsed.text!, 'i'));
    smtp.clear();
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** The page without what differs per request or per door: the CSRF token and the kind of link. */
  const normalised = (html: string) => html.replace(/name="_csrf" value="[^"]+"/, '').replace(/name="kind" value="[^"]+"/, '');

  it('answers unknown, malformed, expired and revoked links with one and the same page', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect((await get(invitationLink)).statusCode).toBe(200);

    const expired = newToken();
    const [{ id: invitationId }] = await db.query('SELECT id FROM invitation');
    await db.query(`INSERT INTO invitation_token (id, invitation_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, '2026-01-01 00:00:00.000', '2025-12-01 00:00:00.000')`, [
      'aaaaaaaa-0000-4000-8000-000000000001',
      invitationId,
      sha256(expired),
    ]);
    const tokens = t.app.get(PreferenceTokens);
    const preference = await tokens.reveal(ben);
    expect((await get(`/preferences/${preference}`)).statusCode).toBe(200);
    await tokens.revoke(ben);

    const answers = await Promise.all(
      [`/i/${newToken()}`, '/i/not-a-token', `/i/${expired}`, `/preferences/${newToken()}`, '/preferences/x', `/preferences/${preference}`].map(get),
    );
    for (const res of answers) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('This link is not valid any more');
      expect(normalised(res.body)).toBe(normalised(answers[0].body));
    }
    // A revoked token stays dead; the next email gets a new one.
    const next = await tokens.reveal(ben);
    expect(next).not.toBe(preference);
    expect((await get(`/preferences/${next}`)).statusCode).toBe(200);
    // The one-click endpoint says nothing more for a bad token either.
    const oneClick = await t.app.inject({ method: 'POST', url: `/preferences/${preference}/unsubscribe`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(oneClick.statusCode).toBe(404);
  });

  it('emails a fresh link: same answer for known and unknown addresses, limited per address and per IP', async () => {
    const browser = new FormBrowser(t.app);
    await browser.get(invitationLink.replace(/\/i\/.+$/, `/i/${newToken()}`));
    const ask = (email: string) => browser.post('/links/fresh', { email, kind: 'invitation' });

    const known = await ask('Ben@Example.com ');
    const unknown = await ask('nobody@example.com');
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.body).toBe(unknown.body);
    expect(known.body).toContain('If we know that address, a fresh link is on its way');

    const [email] = await smtp.waitFor(1);
    expect(email.envelope.to).toEqual(['ben@example.com']);
    expect(email.parsed.subject).toBe('Your new link');
    const freshInvitation = pathOf(linkIn(email.parsed.text!, 'i'));
    const freshPreferences = pathOf(linkIn(email.parsed.text!, 'preferences'));
    expect((await t.app.inject({ method: 'GET', url: freshInvitation })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: freshPreferences })).statusCode).toBe(200);
    expect(rawHeader(email.raw, 'List-Unsubscribe')).toMatch(/\/preferences\/[A-Za-z0-9_-]{43}\/unsubscribe>$/);
    // Transactional: it counts toward no marketing cap.
    expect(await db.query('SELECT count(*) AS n FROM marketing_message')).toEqual([{ n: 1 }]);

    // Per address: 3 an hour; a 4th request gets the same answer and sends nothing.
    await ask('ben@example.com');
    await ask('ben@example.com');
    const fourth = await ask('ben@example.com');
    expect(fourth.statusCode).toBe(200);
    expect(fourth.body).toBe(known.body);
    await smtp.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages).toHaveLength(3);

    // Per IP: 10 an hour (5 used so far), whatever the addresses.
    for (let i = 0; i < 5; i++) expect((await ask(`someone-${i}@example.com`)).statusCode).toBe(200);
    const limited = await ask('someone-else@example.com');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Please wait a while');

    // The limits store keyed hashes: no addresses, no IPs.
    const buckets = JSON.stringify(await db.query('SELECT bucket FROM link_request'));
    expect(buckets).not.toMatch(/example\.com|127\.0\.0\.1/);
    const audit = await db.query(`SELECT actor_type, subject_id FROM audit_event WHERE action = 'customer.link_requested'`);
    expect(audit).toEqual([1, 2, 3].map(() => ({ actor_type: 'customer', subject_id: ben })));
  });

  it('refuses the fresh-link form without its CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/links/fresh',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=ben%40example.com&kind=invitation',
    });
    expect(res.statusCode).toBe(403);
  });
});
