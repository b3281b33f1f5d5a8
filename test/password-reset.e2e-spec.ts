import { DataSource } from 'typeorm';
import { PASSWORD_RESET_ACCEPTED } from '../src/auth/auth.controller';
import { cliActor } from '../src/common/actor';
import { LocationsService } from '../src/locations/locations.service';
import { PasswordResetToken } from '../src/users/password-reset-token.entity';
import { INVALID_PASSWORD_LINK, MAX_LINKS_PER_HOUR } from '../src/users/password-reset.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, Dialect, TestApp } from './support/app';
import { ReceivedEmail, TestSmtpServer } from './support/smtp-server';
import { alertText, FormBrowser } from './support/form-browser';

const LINK = /(https?:\/\/\S+?\/reset-password\/([A-Za-z0-9_-]{43}))(?=\s|$)/;

describe.each<Dialect>(['postgres', 'sqlite'])('password reset and invitations by email (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let users: UsersService;
  let db: DataSource;
  const setup = cliActor('test');

  const inject = (opts: Parameters<TestApp['app']['inject']>[0]) => t.app.inject(opts);
  const requestReset = (email: string) => inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
  const confirm = (token: string, newPassword: string) =>
    inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, newPassword } });
  const apiLogin = (email: string, password: string) => inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const tokensOf = (userId: string) => db.getRepository(PasswordResetToken).find({ where: { userId }, order: { createdAt: 'ASC' } });

  /** Waits for the next email to `to` (by count of earlier ones) and returns it with its link. */
  async function nextEmailTo(to: string, earlier = 0): Promise<{ message: ReceivedEmail; url: string; token: string }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mine = smtp.messages.filter((m) => m.envelope.to.includes(to));
      if (mine.length > earlier) {
        const message = mine[earlier];
        const match = LINK.exec(message.parsed.text ?? '');
        if (!match) throw new Error(`no link in:\n${message.parsed.text}`);
        return { message, url: match[1], token: match[2] };
      }
      if (Date.now() > deadline) throw new Error(`no email to ${to} within 10 s`);
      await smtp.waitFor(smtp.messages.length + 1, 10_000).catch(() => undefined);
    }
  }

  async function staff(email: string, password = 'original-password-1') {
    return (await users.create(setup, { email, role: 'marketer', password })).user;
  }

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://staff.goodword.test' } });
    users = t.app.get(UsersService);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  describe('asking for a link', () => {
    it('answers the API the same whether or not the email has an account, and emails only the account', async () => {
      const user = await staff('known@reset.example');
      const unknown = await requestReset('unknown@reset.example');
      const known = await requestReset(' KNOWN@reset.example');
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(known.json()).toEqual(unknown.json());
      expect(known.json()).toEqual({ message: PASSWORD_RESET_ACCEPTED });

      const { message, url } = await nextEmailTo('known@reset.example');
      expect(message.parsed.subject).toContain('Reset your');
      expect(url.startsWith('https://staff.goodword.test/reset-password/')).toBe(true);
      expect(message.parsed.html).toContain(`href="${url}"`);
      expect(message.parsed.text).toContain('works once, within 60 minutes');
      expect(smtp.messages.some((m) => m.envelope.to.includes('unknown@reset.example'))).toBe(false);

      const [row] = await tokensOf(user.id);
      expect(row).toMatchObject({ purpose: 'reset', usedAt: null });
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(url).not.toContain(row.tokenHash);
      const lifetime = row.expiresAt.getTime() - row.createdAt.getTime();
      expect(Math.abs(lifetime - 60 * 60 * 1000)).toBeLessThan(5_000);

      const audit = await db.query(`SELECT actor_type, subject_id, details FROM audit_event WHERE action = 'auth.password_reset_requested'`);
      expect(audit).toEqual([expect.objectContaining({ actor_type: 'system', subject_id: user.id })]);
      expect(JSON.stringify(await db.query('SELECT * FROM audit_event'))).not.toMatch(/reset\.example/);
    });

    it('answers the "forgot password" page identically for a known and an unknown email', async () => {
      await staff('page-known@reset.example');
      const browser = new FormBrowser(t.app);
      await browser.get('/forgot-password');
      const known = await browser.post('/forgot-password', { email: 'page-known@reset.example' });
      const unknown = await browser.post('/forgot-password', { email: 'page-unknown@reset.example' });
      expect(known.statusCode).toBe(200);
      expect(unknown.statusCode).toBe(200);
      expect(known.body).toBe(unknown.body);
      expect(known.body).toContain('If an account exists for that address');
      expect(known.headers['set-cookie']).toEqual(unknown.headers['set-cookie']);
      await nextEmailTo('page-known@reset.example');

      const bad = await browser.post('/forgot-password', { email: 'not an address' });
      expect(bad.statusCode).toBe(400);
      expect(alertText(bad.body)).toContain('Enter your email address');
    });

    it('sends nothing for a deactivated account, and at most a few links an hour', async () => {
      const inactive = await staff('inactive@reset.example');
      await users.update(setup, inactive.id, { active: false });
      expect((await requestReset('inactive@reset.example')).statusCode).toBe(202);
      expect(await tokensOf(inactive.id)).toEqual([]);

      const flooded = await staff('flooded@reset.example');
      for (let i = 0; i <= MAX_LINKS_PER_HOUR; i++) expect((await requestReset('flooded@reset.example')).statusCode).toBe(202);
      expect(await tokensOf(flooded.id)).toHaveLength(MAX_LINKS_PER_HOUR);
    });

    it('rate limits the "forgot password" form with 429', async () => {
      const browser = new FormBrowser(t.app);
      await browser.get('/forgot-password');
      for (let i = 0; i < 10; i++) expect((await browser.post('/forgot-password', { email: 'flood@reset.example' })).statusCode).toBe(200);
      const blocked = await browser.post('/forgot-password', { email: 'flood@reset.example' });
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Too many requests');
      // The API route has its own counter, and the same limits.
      for (let i = 0; i < 10; i++) expect((await requestReset('flood-api@reset.example')).statusCode).toBe(202);
      expect((await requestReset('flood-api@reset.example')).statusCode).toBe(429);
    });
  });

  describe('using a link', () => {
    it('sets the password through the emailed link once, ending every session', async () => {
      await staff('reset-me@reset.example');
      const oldToken = (await apiLogin('reset-me@reset.example', 'original-password-1')).json().accessToken;
      const oldBrowser = new FormBrowser(t.app);
      await oldBrowser.signIn('reset-me@reset.example', 'original-password-1');

      const browser = new FormBrowser(t.app);
      await browser.submit('/forgot-password', '/forgot-password', { email: 'reset-me@reset.example' });
      const { url } = await nextEmailTo('reset-me@reset.example');
      const path = new URL(url).pathname;

      const form = await browser.get(path);
      expect(form.statusCode).toBe(200);
      expect(form.headers['cache-control']).toBe('no-store');
      expect(form.body).toContain('Choose a new password');
      expect(form.body).toContain('<label for="password">');

      const mismatch = await browser.post(path, { password: 'brand-new-password-1', confirmPassword: 'brand-new-password-2' });
      expect(mismatch.statusCode).toBe(400);
      expect(alertText(mismatch.body)).toContain("The two passwords don't match.");
      const short = await browser.post(path, { password: 'short', confirmPassword: 'short' });
      expect(short.statusCode).toBe(400);
      expect(alertText(short.body)).toContain('Password must be at least 12 characters');
      expect((await browser.post(path, { password: 'brand-new-password-1', confirmPassword: 'brand-new-password-1' }, null)).statusCode).toBe(403);

      const done = await browser.post(path, { password: 'brand-new-password-1', confirmPassword: 'brand-new-password-1' });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe('/login?notice=password-set');
      expect((await browser.get('/login?notice=password-set')).body).toContain('Your password is set.');

      // Old sessions, bearer and cookie, are over; the old password no longer works, the new one does.
      expect((await inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${oldToken}` } })).statusCode).toBe(401);
      expect((await oldBrowser.get('/dashboard')).statusCode).toBe(303);
      expect((await apiLogin('reset-me@reset.example', 'original-password-1')).statusCode).toBe(401);
      expect((await apiLogin('reset-me@reset.example', 'brand-new-password-1')).statusCode).toBe(200);

      // Second use: the page and the API both refuse it with the one message.
      const again = await browser.get(path);
      expect(again.statusCode).toBe(400);
      expect(again.body).toContain('This link is invalid, has expired or has already been used.');
      const token = path.split('/').pop()!;
      const api = await confirm(token, 'another-password-22');
      expect(api.statusCode).toBe(400);
      expect(api.json().message).toEqual([INVALID_PASSWORD_LINK]);
      expect((await apiLogin('reset-me@reset.example', 'brand-new-password-1')).statusCode).toBe(200);

      const audit = await db.query(`SELECT actor_type, subject_type FROM audit_event WHERE action = 'auth.password_reset'`);
      expect(audit).toEqual([{ actor_type: 'system', subject_type: 'user' }]);
    });

    it('refuses an expired link', async () => {
      const user = await staff('expired@reset.example');
      await requestReset('expired@reset.example');
      const { token, url } = await nextEmailTo('expired@reset.example');
      await db.getRepository(PasswordResetToken).update({ userId: user.id }, { expiresAt: new Date(Date.now() - 1000) });

      const browser = new FormBrowser(t.app);
      const page = await browser.get(new URL(url).pathname);
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain(INVALID_PASSWORD_LINK.replace(/'/g, '&#x27;'));
      expect(page.body).toContain('href="/forgot-password"');
      const api = await confirm(token, 'expired-but-long-1');
      expect(api.statusCode).toBe(400);
      expect(api.json().message).toEqual([INVALID_PASSWORD_LINK]);
      expect((await apiLogin('expired@reset.example', 'original-password-1')).statusCode).toBe(200);
    });

    it('ends the other links of the user when one is used', async () => {
      await staff('two-links@reset.example');
      await requestReset('two-links@reset.example');
      const first = await nextEmailTo('two-links@reset.example', 0);
      await requestReset('two-links@reset.example');
      const second = await nextEmailTo('two-links@reset.example', 1);
      expect(first.token).not.toBe(second.token);
      expect((await confirm(second.token, 'second-link-password-1')).statusCode).toBe(204);
      expect((await confirm(first.token, 'first-link-password-1')).statusCode).toBe(400);
      expect((await apiLogin('two-links@reset.example', 'second-link-password-1')).statusCode).toBe(200);
    });

    it('answers made-up tokens with the same message as used ones', async () => {
      const garbage = await confirm('nonsense', 'whatever-password-1');
      const wellFormed = await confirm('A'.repeat(43), 'whatever-password-1');
      for (const res of [garbage, wellFormed]) {
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toEqual([INVALID_PASSWORD_LINK]);
      }
      expect((await new FormBrowser(t.app).get(`/reset-password/${'B'.repeat(43)}`)).statusCode).toBe(400);
    });
  });

  describe('invitations', () => {
    it('lets an invited user choose a password from the emailed link and sign in', async () => {
      await t.app.get(LocationsService).create(setup, { code: 'INV-1', name: 'Invite town' });
      await users.create(setup, { email: 'inviting-admin@reset.example', role: 'admin', password: 'inviting-admin-pw-1' });
      const admin = new FormBrowser(t.app);
      await admin.signIn('inviting-admin@reset.example', 'inviting-admin-pw-1');
      const invited = await admin.submit('/dashboard/users', '/dashboard/users', {
        email: 'invitee@reset.example',
        role: 'dealer',
        locations: ['INV-1'],
      });
      expect(invited.statusCode).toBe(303);

      const { message, url } = await nextEmailTo('invitee@reset.example');
      expect(message.parsed.subject).toContain("You're invited");
      expect(message.parsed.text).toContain('a location manager');
      expect(message.parsed.text).toContain('within 72 hours');
      const user = (await users.findByEmail('invitee@reset.example'))!;
      const [row] = await tokensOf(user.id);
      expect(row.purpose).toBe('invitation');
      expect(Math.abs(row.expiresAt.getTime() - row.createdAt.getTime() - 72 * 3_600_000)).toBeLessThan(5_000);

      const browser = new FormBrowser(t.app);
      const path = new URL(url).pathname;
      const form = await browser.get(path);
      expect(form.body).toContain('Choose your password');
      const set = await browser.post(path, { password: 'invited-dealer-pw-1', confirmPassword: 'invited-dealer-pw-1' });
      expect(set.statusCode).toBe(303);
      const signedIn = await browser.signIn('invitee@reset.example', 'invited-dealer-pw-1');
      expect(signedIn.statusCode).toBe(303);
      // A location manager lands on their locations' report.
      expect(signedIn.headers.location).toBe('/dashboard/reports');
      const dashboard = await browser.get('/dashboard');
      expect(dashboard.body).toContain('invitee@reset.example');
      expect(dashboard.body).toContain('INV-1');
    });

    it('lets an admin email a user a new link from the user page', async () => {
      const admin = new FormBrowser(t.app);
      await admin.signIn('inviting-admin@reset.example', 'inviting-admin-pw-1');
      const user = await staff('forgetful@reset.example');
      const res = await admin.submit(`/dashboard/users/${user.id}`, `/dashboard/users/${user.id}/send-link`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/dashboard/users/${user.id}?notice=link-sent`);
      const { message } = await nextEmailTo('forgetful@reset.example');
      // Never signed in: it is (again) an invitation.
      expect(message.parsed.subject).toContain("You're invited");
    });
  });
});
