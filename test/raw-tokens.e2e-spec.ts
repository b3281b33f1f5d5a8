import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { PasswordResetService } from '../src/users/password-reset.service';
import { UsersService } from '../src/users/users.service';
import { ALL_DAY, linkIn, pathOf, seedCustomers, seedLocation, staffHeader } from './campaign-fixtures';
import { FakeXServer } from './fakes/x-api/fake-x-server';
import { createTestApp, TestApp, TestAppOptions } from './support/app';
import { REDIS_URL } from './support/database';
import { FormBrowser } from './support/form-browser';
import { whereStored } from './support/secret-scan';
import { ReceivedEmail, TestSmtpServer } from './support/smtp-server';

const CLIENT = { clientId: 'goodword-test-client', clientSecret: 'goodword-test-secret' };
const PUBLIC_URL = 'https://advocates.example.com';
const tokenOf = (link: string) => /\/([A-Za-z0-9_-]{43})(?=[/?#]|$)/.exec(link)![1];

/**
 * Raw link tokens are never stored: after each flow that creates one, the token as the customer or
 * staff member received it (from the email or the redirect) is in no column of any table (the outbox
 * included) and, with BullMQ, in no Redis key of the test's queue prefix. Hashes and sealed values only.
 */
describe.each<TestAppOptions>([
  { dialect: 'postgres', redis: true },
  { dialect: 'sqlite' },
])('raw tokens are never stored (%o)', (options) => {
  let smtp: TestSmtpServer;
  let fake: FakeXServer;
  let t: TestApp;
  let db: DataSource;
  let invite: string;

  const stored = (token: string) => whereStored(db, token, options.redis ? { url: REDIS_URL, prefix: t.config.queuePrefix } : undefined);

  /** The next email to `to` after the `earlier` ones already received. */
  async function emailTo(to: string, earlier = 0): Promise<ReceivedEmail> {
    for (let count = smtp.messages.length + 1; ; count++) {
      const mine = smtp.messages.filter((m) => m.envelope.to.includes(to));
      if (mine.length > earlier) return mine[earlier];
      await smtp.waitFor(count, 10_000);
    }
  }

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    fake = await FakeXServer.start(CLIENT);
    t = await createTestApp({
      ...options,
      env: {
        SMTP_URL: `${smtp.url}?pool=false`,
        PUBLIC_URL,
        X_CLIENT_ID: CLIENT.clientId,
        X_CLIENT_SECRET: CLIENT.clientSecret,
        X_API_BASE: fake.url,
      },
    });
    db = t.app.get(DataSource);
    const { headers } = await staffHeader(t.app, 'marketer');
    const location = await seedLocation(t.app, 'TOK-001', 'Harbour Motors');
    await seedCustomers(db, [{ email: 'ana@example.com', name: 'Ana Silva', score: 10, consent: true, location, comment: 'Great' }]);
    const campaign = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Tokens', sendingHours: ALL_DAY } })).json();
    await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/launch`, headers });
    invite = pathOf(linkIn((await emailTo('ana@example.com')).parsed.text!, 'i'));
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await fake?.close();
  });

  it('password reset: the emailed token is stored nowhere', async () => {
    await t.app.get(UsersService).create(cliActor('test'), { email: 'reset@staff.example.com', role: 'marketer', password: 'original-password-1' });
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: 'reset@staff.example.com' } })).statusCode).toBe(202);
    const token = tokenOf(linkIn((await emailTo('reset@staff.example.com')).parsed.text!, 'reset-password'));
    expect(await stored(token)).toEqual([]);
    // The email did go through the outbox (kept after sending), with its link sealed.
    const rows: { payload: unknown }[] = await db.query(`SELECT payload FROM job_outbox WHERE job_name = 'notifications.send-email'`);
    const payloads = rows.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload));
    expect(payloads).toContainEqual(expect.objectContaining({ to: 'reset@staff.example.com', sealed: expect.stringMatching(/^v1:/) }));
    // The link still works: the email carried the real token.
    const confirm = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, newPassword: 'a-brand-new-password-2' } });
    expect(confirm.statusCode).toBeLessThan(300);
  });

  it('staff invitation: the emailed token is stored nowhere', async () => {
    await t.app.get(PasswordResetService).invite(cliActor('test'), { email: 'new@staff.example.com', role: 'marketer' });
    const email = await emailTo('new@staff.example.com');
    expect(email.parsed.subject).toContain('invited');
    expect(await stored(tokenOf(linkIn(email.parsed.text!, 'reset-password')))).toEqual([]);
  });

  it('fresh invitation and preference links: the emailed tokens are stored nowhere', async () => {
    const earlier = smtp.messages.filter((m) => m.envelope.to.includes('ana@example.com')).length;
    const browser = new FormBrowser(t.app);
    await browser.get(`/i/${'x'.repeat(43)}`);
    expect((await browser.post('/links/fresh', { email: 'ana@example.com', kind: 'invitation' })).statusCode).toBe(200);
    const withInvitation = (await emailTo('ana@example.com', earlier)).parsed.text!;
    const freshInvite = linkIn(withInvitation, 'i');
    const preferences = linkIn(withInvitation, 'preferences');
    expect((await t.app.inject({ method: 'GET', url: pathOf(freshInvite) })).statusCode).toBe(200);
    expect(await stored(tokenOf(freshInvite))).toEqual([]);
    expect(await stored(tokenOf(preferences))).toEqual([]);

    await browser.get(`/preferences/${'x'.repeat(43)}`);
    expect((await browser.post('/links/fresh', { email: 'ana@example.com', kind: 'preferences' })).statusCode).toBe(200);
    const preferencesOnly = await emailTo('ana@example.com', earlier + 1);
    const link = linkIn(preferencesOnly.parsed.text!, 'preferences');
    expect((await t.app.inject({ method: 'GET', url: pathOf(link) })).statusCode).toBe(200);
    expect(await stored(tokenOf(link))).toEqual([]);
  });

  it('X connect from the advocate page: the invitation token in the return path is stored nowhere', async () => {
    const browser = new FormBrowser(t.app);
    await browser.get(invite);
    expect((await browser.post(`${invite}/approve`, { text: 'Ana: quick and honest.', channels: ['x'], confirm: 'yes' })).statusCode).toBe(303);
    await browser.get(invite);
    const start = await browser.post(`${invite}/x`);
    expect(start.statusCode).toBe(303);
    const token = tokenOf(invite);
    expect(await stored(token)).toEqual([]); // the attempt is open: its return path is in x_oauth_state

    const back = await browser.get(fake.authorize(start.headers.location as string).callbackPath);
    expect(back.headers.location).toBe(`${invite}?x=connected`);
    expect(tokenOf(back.headers.location as string)).toBe(token);
    expect(await stored(token)).toEqual([]);
  });
});
