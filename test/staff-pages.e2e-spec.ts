import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { cliActor } from '../src/common/actor';
import { Location } from '../src/locations/location.entity';
import { LocationsService } from '../src/locations/locations.service';
import { SettingsService } from '../src/settings/settings.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, TestApp } from './support/app';
import { alertText, csrfTokenIn, decodeHtml, FormBrowser } from './support/form-browser';

const PASSWORDS = {
  admin: 'admin-page-password-1',
  marketer: 'marketer-page-password-1',
  dealer: 'dealer-page-password-1',
};
const OWN = 'PG-OWN';
const OTHER = 'PG-OTHER';

describe('staff pages (PostgreSQL)', () => {
  let t: TestApp;
  let users: UsersService;
  let db: DataSource;
  const ids: Record<string, string> = {};
  const setup = cliActor('test');

  const sessions: Partial<Record<keyof typeof PASSWORDS, FormBrowser>> = {};
  /** A signed-in browser for a role (signed in once through the form; sign-in is rate limited per account). */
  async function as(role: keyof typeof PASSWORDS): Promise<FormBrowser> {
    if (!sessions[role]) {
      const browser = new FormBrowser(t.app);
      const res = await browser.signIn(`${role}@pages.example`, PASSWORDS[role]);
      expect(res.statusCode).toBe(303);
      sessions[role] = browser;
    }
    return sessions[role]!.clone();
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    users = t.app.get(UsersService);
    db = t.app.get(DataSource);
    const locations = t.app.get(LocationsService);
    await locations.create(setup, { code: OWN, name: 'Own dealership' });
    await locations.create(setup, { code: OTHER, name: 'Other dealership' });
    ids.admin = (await users.create(setup, { email: 'admin@pages.example', role: 'admin', password: PASSWORDS.admin })).user.id;
    ids.marketer = (await users.create(setup, { email: 'marketer@pages.example', role: 'marketer', password: PASSWORDS.marketer })).user.id;
    ids.dealer = (
      await users.create(setup, { email: 'dealer@pages.example', role: 'dealer', locationCodes: [OWN], password: PASSWORDS.dealer })
    ).user.id;
    await users.create(setup, { email: 'redirect@pages.example', role: 'marketer', password: 'redirect-password-1' });
  });
  afterAll(() => t?.close());

  describe('sign-in page', () => {
    it('shows a form with a CSRF token, signs in, sets the session cookie and goes to the dashboard', async () => {
      const browser = new FormBrowser(t.app);
      const page = await browser.get('/login');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('<label for="email">');
      expect(page.body).toContain('<label for="password">');
      expect(browser.cookies._csrf).toBeDefined();

      const res = await browser.post('/login', { email: 'ADMIN@pages.example ', password: PASSWORDS.admin });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/access_token=[^;]+;.*HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);

      const dashboard = await browser.get('/dashboard');
      expect(dashboard.statusCode).toBe(200);
      expect(dashboard.headers['cache-control']).toBe('no-store');
      expect(dashboard.body).toContain('admin@pages.example');
      for (const href of ['/dashboard/users', '/dashboard/locations', '/dashboard/api-keys', '/dashboard/settings', '/dashboard/account']) {
        expect(dashboard.body).toContain(`href="${href}"`);
      }
    });

    it('goes back to a local `next` page after signing in', async () => {
      const browser = new FormBrowser(t.app);
      const res = await browser.signIn('redirect@pages.example', 'redirect-password-1', '/dashboard/locations?x=1');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard/locations?x=1');
    });

    it.each(['//evil.example', 'https://evil.example/', '/\\evil.example', '//evil.example/dashboard', 'javascript:alert(1)', ' /dashboard'])(
      'refuses the open redirect next=%s and goes to the dashboard',
      async (next) => {
        const browser = new FormBrowser(t.app);
        const res = await browser.signIn('redirect@pages.example', 'redirect-password-1', next);
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe('/dashboard');
      },
    );

    it('sends an anonymous browser to the sign-in page and back, without leaving it a way out to another site', async () => {
      const anonymous = new FormBrowser(t.app);
      const res = await anonymous.get('/dashboard/users?tab=1');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2Fdashboard%2Fusers%3Ftab%3D1');
      const page = await anonymous.get(res.headers.location as string);
      expect(decodeHtml(page.body)).toContain('name="next" value="/dashboard/users?tab=1"');
    });

    it('answers a wrong password and an unknown email with the same generic message, status 401', async () => {
      const browser = new FormBrowser(t.app);
      await browser.get('/login');
      const wrong = await browser.post('/login', { email: 'admin@pages.example', password: 'not-the-password' });
      const unknown = await browser.post('/login', { email: 'nobody@pages.example', password: 'not-the-password' });
      for (const res of [wrong, unknown]) {
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toContain('text/html');
        expect(alertText(res.body)).toBe('Invalid email or password');
        expect(res.headers['set-cookie'] ?? '').not.toContain('access_token=');
      }
      expect(wrong.body).toContain('value="admin@pages.example"');
      expect(browser.cookies.access_token).toBeUndefined();
    });

    it('asks for both fields when one is empty', async () => {
      const browser = new FormBrowser(t.app);
      await browser.get('/login');
      const res = await browser.post('/login', { email: '', password: '' });
      expect(res.statusCode).toBe(400);
      expect(alertText(res.body)).toContain('Enter your email address and your password');
    });

    it('sends a signed-in user from the sign-in page to the dashboard', async () => {
      const browser = await as('marketer');
      const res = await browser.get('/login');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard');
    });

    it('signs out with a form post: the cookie is cleared and the pages ask to sign in again', async () => {
      const browser = new FormBrowser(t.app);
      await browser.signIn('redirect@pages.example', 'redirect-password-1');
      await browser.get('/dashboard');
      const copied = browser.cookies.access_token!;
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { access_token: copied } })).statusCode).toBe(200);
      expect((await browser.post('/logout', {}, null)).statusCode).toBe(403);
      const res = await browser.post('/logout');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/login?notice=signed-out');
      expect(String(res.headers['set-cookie'])).toMatch(/access_token=;/);
      expect(browser.cookies.access_token).toBeUndefined();
      expect((await browser.get('/dashboard')).statusCode).toBe(303);
      expect((await browser.get('/login?notice=signed-out')).body).toContain('You have signed out.');
      // A copy of the cookie taken before signing out stops working too: the session ended on the server.
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { access_token: copied } })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/dashboard', headers: { accept: 'text/html' }, cookies: { access_token: copied } })).statusCode).toBe(303);
    });
  });

  describe('CSRF', () => {
    /** Every form post of the staff and sign-in pages. */
    const POSTS = (f: { userId: string; keyId: string }) => [
      '/login',
      '/logout',
      '/forgot-password',
      '/reset-password/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/dashboard/users',
      `/dashboard/users/${f.userId}`,
      `/dashboard/users/${f.userId}/deactivate`,
      `/dashboard/users/${f.userId}/reactivate`,
      `/dashboard/users/${f.userId}/send-link`,
      '/dashboard/locations',
      `/dashboard/locations/${OWN}`,
      '/dashboard/locations/import',
      '/dashboard/api-keys',
      `/dashboard/api-keys/${f.keyId}/revoke`,
      '/dashboard/settings',
      '/dashboard/account/password',
      '/dashboard/account/logout-everywhere',
    ];

    it('refuses every form post without a token, or with a forged one, with 403 and changes nothing', async () => {
      const browser = await as('admin');
      await browser.get('/dashboard');
      const fixture = {
        userId: ids.marketer,
        keyId: (await t.app.get(ApiKeysService).create(setup, 'csrf target')).apiKey.id,
      };
      const forged = csrfTokenIn((await new FormBrowser(t.app).get('/login')).body); // a token for another browser's secret
      for (const url of POSTS(fixture)) {
        for (const csrf of [null, forged, '']) {
          const res = await browser.post(url, { name: 'x', role: 'dealer', email: 'x@pages.example' }, csrf);
          expect({
            url,
            csrf,
            status: res.statusCode,
            type: res.headers['content-type'],
            explained: res.body.includes('This form has expired'),
          }).toEqual({ url, csrf, status: 403, type: expect.stringContaining('text/html'), explained: true });
        }
      }
      // Still signed in, nothing revoked or deactivated.
      expect((await browser.get('/dashboard')).statusCode).toBe(200);
      expect((await t.app.get(ApiKeysService).list()).find((k) => k.id === fixture.keyId)?.revokedAt).toBeNull();
      expect((await users.get(ids.marketer)).active).toBe(true);
    });

    it('refuses a multipart upload without the token in its URL', async () => {
      const browser = await as('admin');
      await browser.get('/dashboard/locations/import');
      const res = await browser.upload('/dashboard/locations/import', 'l.csv', 'code,name\nCSRF-1,No\n');
      expect(res.statusCode).toBe(403);
      expect(await db.getRepository(Location).existsBy({ code: 'CSRF-1' })).toBe(false);
    });
  });

  describe('who sees what', () => {
    const PAGES: [string, Record<'anonymous' | 'admin' | 'marketer' | 'dealer', number>][] = [
      ['/dashboard', { anonymous: 303, admin: 200, marketer: 200, dealer: 200 }],
      ['/dashboard/users', { anonymous: 303, admin: 200, marketer: 403, dealer: 403 }],
      ['/dashboard/api-keys', { anonymous: 303, admin: 200, marketer: 403, dealer: 403 }],
      ['/dashboard/settings', { anonymous: 303, admin: 200, marketer: 200, dealer: 403 }],
      ['/dashboard/account', { anonymous: 303, admin: 200, marketer: 200, dealer: 200 }],
      ['/dashboard/locations', { anonymous: 303, admin: 200, marketer: 200, dealer: 200 }],
      ['/dashboard/locations/new', { anonymous: 303, admin: 200, marketer: 200, dealer: 403 }],
      ['/dashboard/locations/import', { anonymous: 303, admin: 200, marketer: 200, dealer: 403 }],
      [`/dashboard/locations/${OWN}`, { anonymous: 303, admin: 200, marketer: 200, dealer: 200 }],
      [`/dashboard/locations/${OTHER}`, { anonymous: 303, admin: 200, marketer: 200, dealer: 404 }],
      [`/dashboard/locations/${OWN}/edit`, { anonymous: 303, admin: 200, marketer: 200, dealer: 403 }],
      ['/dashboard/recommendations', { anonymous: 303, admin: 200, marketer: 200, dealer: 200 }],
      [`/dashboard/recommendations?location=${OTHER}`, { anonymous: 303, admin: 200, marketer: 200, dealer: 404 }],
    ];

    it.each(['anonymous', 'admin', 'marketer', 'dealer'] as const)('as %s', async (who) => {
      const browser = who === 'anonymous' ? new FormBrowser(t.app) : await as(who);
      for (const [url, expected] of PAGES) {
        const res = await browser.get(url);
        expect({ url, status: res.statusCode }).toEqual({ url, status: expected[who] });
        if (res.statusCode === 303) expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
        if (res.statusCode === 403) {
          expect(res.headers['content-type']).toContain('text/html');
          expect(res.body).toContain('You do not have access to this page.');
        }
      }
    });

    it('shows each role only its own navigation and dashboard cards', async () => {
      const dealer = await (await as('dealer')).get('/dashboard');
      expect(dealer.body).toContain('href="/dashboard/locations"');
      expect(dealer.body).not.toContain('href="/dashboard/users"');
      expect(dealer.body).not.toContain('href="/dashboard/settings"');
      expect(dealer.body).toContain(OWN);
      const marketer = await (await as('marketer')).get('/dashboard');
      expect(marketer.body).toContain('href="/dashboard/settings"');
      expect(marketer.body).not.toContain('href="/dashboard/api-keys"');
    });

    it('lists only a dealer’s own locations, with no way to add, edit or import', async () => {
      const res = await (await as('dealer')).get('/dashboard/locations');
      expect(res.body).toContain(OWN);
      expect(res.body).not.toContain(OTHER);
      expect(res.body).not.toContain('/dashboard/locations/new');
      expect(res.body).not.toContain('/dashboard/locations/import');
      const own = await (await as('dealer')).get(`/dashboard/locations/${OWN}`);
      expect(own.body).not.toContain('/edit"');
    });

    it('refuses page form posts by the wrong role even with a valid token', async () => {
      const dealer = await as('dealer');
      await dealer.get('/dashboard/locations');
      expect((await dealer.post('/dashboard/locations', { code: 'DLR-NOPE', name: 'Nope' })).statusCode).toBe(403);
      expect((await dealer.post(`/dashboard/locations/${OWN}`, { name: 'Renamed' })).statusCode).toBe(403);
      expect((await dealer.post('/dashboard/users', { email: 'sneaky@pages.example', role: 'admin' })).statusCode).toBe(403);
      const marketer = await as('marketer');
      await marketer.get('/dashboard/settings');
      expect((await marketer.post('/dashboard/settings', { frequencyCap: '1' })).statusCode).toBe(403);
      expect(await users.findByEmail('sneaky@pages.example')).toBeNull();
    });
  });

  describe('users page', () => {
    it('lists users with role, locations, status and last sign-in', async () => {
      const res = await (await as('admin')).get('/dashboard/users');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('dealer@pages.example');
      expect(res.body).toMatch(/dealer@pages\.example<\/a><\/td>\s*<td>Dealer \(location manager\)<\/td>\s*<td>PG-OWN<\/td>\s*<td>Active<\/td>/);
      expect(res.body).toMatch(/<td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td>/);
      expect(res.body).toContain('<label for="invite-email">');
    });

    it('invites a dealer with locations; the page never shows a password', async () => {
      const browser = await as('admin');
      const res = await browser.submit('/dashboard/users', '/dashboard/users', {
        email: 'New.Dealer@pages.example',
        role: 'dealer',
        locations: [OWN, OTHER],
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard/users?notice=invited');
      const list = await browser.get(res.headers.location as string);
      expect(list.body).toContain('Invitation sent.');
      expect(list.body).toMatch(/new\.dealer@pages\.example<\/a><\/td>\s*<td>Dealer \(location manager\)<\/td>\s*<td>PG-OTHER, PG-OWN<\/td>/);
      expect(list.body).not.toMatch(/password:/i);
      const created = await users.findByEmail('new.dealer@pages.example');
      expect(created).toMatchObject({ role: 'dealer', active: true });
      const [event] = await db.query(`SELECT actor_id FROM audit_event WHERE action = 'user.invite' AND subject_id = $1`, [created!.id]);
      expect(event.actor_id).toBe(ids.admin);
    });

    it('shows validation errors next to the invite form, keeping what was typed', async () => {
      const browser = await as('admin');
      const noLocation = await browser.submit('/dashboard/users', '/dashboard/users', { email: 'lonely@pages.example', role: 'dealer' });
      expect(noLocation.statusCode).toBe(400);
      expect(noLocation.headers['content-type']).toContain('text/html');
      expect(alertText(noLocation.body)).toContain('a dealer needs at least one location');
      expect(noLocation.body).toContain('value="lonely@pages.example"');
      expect(noLocation.body).toMatch(/<option value="dealer" selected>/);

      const duplicate = await browser.submit('/dashboard/users', '/dashboard/users', { email: 'marketer@pages.example', role: 'marketer' });
      expect(duplicate.statusCode).toBe(409);
      expect(alertText(duplicate.body)).toContain('A user with this email already exists');

      const badEmail = await browser.submit('/dashboard/users', '/dashboard/users', { email: 'not an email', role: 'marketer' });
      expect(badEmail.statusCode).toBe(400);
      expect(alertText(badEmail.body)).toContain('email must be an email address');
    });

    it('changes role and locations, deactivates and reactivates', async () => {
      const browser = await as('admin');
      const { user } = await users.create(setup, { email: 'changing@pages.example', role: 'marketer' });
      const edit = `/dashboard/users/${user.id}`;

      const toDealer = await browser.submit(edit, edit, { role: 'dealer', locations: [OTHER] });
      expect(toDealer.statusCode).toBe(303);
      expect(toDealer.headers.location).toBe(`${edit}?notice=updated`);
      expect(await users.get(user.id)).toMatchObject({ role: 'dealer', locations: [OTHER] });

      // Location boxes left ticked mean nothing for a marketer.
      const back = await browser.submit(edit, edit, { role: 'marketer', locations: [OTHER] });
      expect(back.statusCode).toBe(303);
      expect(await users.get(user.id)).toMatchObject({ role: 'marketer', locations: [] });

      const noLocations = await browser.submit(edit, edit, { role: 'dealer' });
      expect(noLocations.statusCode).toBe(400);
      expect(alertText(noLocations.body)).toContain('a dealer needs at least one location');

      const off = await browser.submit('/dashboard/users', `${edit}/deactivate`);
      expect(off.headers.location).toBe('/dashboard/users?notice=deactivated');
      expect((await users.get(user.id)).active).toBe(false);
      const on = await browser.submit('/dashboard/users', `${edit}/reactivate`);
      expect(on.headers.location).toBe('/dashboard/users?notice=reactivated');
      expect((await users.get(user.id)).active).toBe(true);
      const audited = await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'user.update' AND subject_id = $1`, [user.id]);
      expect(audited[0].n).toBe(4);
    });

    it('explains on the page why the last admin cannot be deactivated', async () => {
      const browser = await as('admin');
      const res = await browser.submit('/dashboard/users', `/dashboard/users/${ids.admin}/deactivate`);
      expect(res.statusCode).toBe(409);
      expect(alertText(res.body)).toContain('At least one active admin must remain');
      expect((await users.get(ids.admin)).active).toBe(true);
    });

    it('answers an unknown user id with the friendly 404 page', async () => {
      const res = await (await as('admin')).get('/dashboard/users/00000000-0000-4000-8000-000000000000');
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('We could not find that page.');
    });
  });

  describe('locations pages', () => {
    it('creates a location from the form and shows it', async () => {
      const browser = await as('marketer');
      const res = await browser.submit('/dashboard/locations/new', '/dashboard/locations', {
        code: 'pg-new',
        name: 'Brand new <b>place</b>',
        city: 'Springfield',
        timezone: 'Europe/Lisbon',
        locale: 'pt-PT',
        websiteUrl: '',
        managerEmail: 'boss@pages.example',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard/locations/PG-NEW?notice=created');
      const page = await browser.get(res.headers.location as string);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Location created.');
      expect(page.body).toContain('Brand new &lt;b&gt;place&lt;/b&gt;');
      expect(page.body).not.toContain('<b>place</b>');
      const list = await browser.get('/dashboard/locations');
      expect(list.body).toContain('href="/dashboard/locations/PG-NEW"');
      expect(await db.getRepository(Location).findOneBy({ code: 'PG-NEW' })).toMatchObject({
        timezone: 'Europe/Lisbon',
        websiteUrl: null,
        managerEmail: 'boss@pages.example',
      });
    });

    it('shows every problem next to the form and keeps the values', async () => {
      const browser = await as('admin');
      const res = await browser.submit('/dashboard/locations/new', '/dashboard/locations', {
        code: 'bad code!',
        name: '',
        timezone: 'Mars/Olympus',
        websiteUrl: 'ftp://x',
      });
      expect(res.statusCode).toBe(400);
      const alert = alertText(res.body);
      expect(alert).toContain('Code must be 1-32 letters');
      expect(alert).toContain('Name must be 1-200 characters');
      expect(alert).toContain('Time zone');
      expect(alert).toContain('websiteUrl must be an http(s) URL'.replace('websiteUrl', 'Website'));
      expect(res.body).toContain('value="Mars/Olympus"');

      const duplicate = await browser.submit('/dashboard/locations/new', '/dashboard/locations', { code: OWN, name: 'Again' });
      expect(duplicate.statusCode).toBe(409);
      expect(alertText(duplicate.body)).toContain(`A location with code ${OWN} already exists`);
    });

    it('edits a location; an emptied optional field is cleared', async () => {
      const browser = await as('admin');
      await t.app.get(LocationsService).create(setup, { code: 'PG-EDIT', name: 'Before', city: 'Old town', reviewUrl: 'https://r.example/x' });
      const form = await browser.get('/dashboard/locations/PG-EDIT/edit');
      expect(form.body).toContain('value="Old town"');
      const res = await browser.post('/dashboard/locations/PG-EDIT', {
        name: 'After',
        city: '',
        timezone: 'UTC',
        locale: 'en',
        reviewUrl: 'https://r.example/x',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard/locations/PG-EDIT?notice=updated');
      expect(await db.getRepository(Location).findOneBy({ code: 'PG-EDIT' })).toMatchObject({
        name: 'After',
        city: null,
        reviewUrl: 'https://r.example/x',
      });
      const bad = await browser.post('/dashboard/locations/PG-EDIT', { name: 'After', managerEmail: 'nope' });
      expect(bad.statusCode).toBe(400);
      expect(alertText(bad.body)).toContain('Manager email must be an email address');
    });

    it('imports a CSV upload (token in the form URL) and reports created, updated and rejected lines', async () => {
      const browser = await as('marketer');
      const page = await browser.get('/dashboard/locations/import');
      expect(page.body).toMatch(/action="\/dashboard\/locations\/import\?_csrf=[^"]+" enctype="multipart\/form-data"/);
      const action = /action="([^"]+)" enctype/.exec(decodeHtml(page.body))![1];
      const csv = ['code,name,city,timezone', `${OWN},Own renamed,Springfield,`, 'PG-IMP-1,Imported one,,', ',No code,,', 'PG-IMP-2,Bad zone,,Mars/Olympus'].join('\n');
      const res = await browser.upload(action, 'locations.csv', csv);
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/<dt>Created<\/dt><dd>1<\/dd>\s*<dt>Updated<\/dt><dd>1<\/dd>\s*<dt>Rejected<\/dt><dd>2<\/dd>/);
      expect(res.body).toMatch(/<td>4<\/td><td><\/td><td>code must be/);
      expect(res.body).toMatch(/<td>5<\/td><td>PG-IMP-2<\/td><td>timezone must be an IANA time zone/);
      expect(await db.getRepository(Location).findOneBy({ code: OWN })).toMatchObject({ name: 'Own renamed' });
      expect(await db.getRepository(Location).existsBy({ code: 'PG-IMP-1' })).toBe(true);
    });

    it('refuses a file that is not CSV with the reason, and an empty upload', async () => {
      const browser = await as('admin');
      const page = await browser.get('/dashboard/locations/import');
      const action = /action="([^"]+)" enctype/.exec(decodeHtml(page.body))![1];
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
      const binary = await browser.upload(action, 'photo.png', png, 'image/png');
      expect(binary.statusCode).toBe(400);
      expect(alertText(binary.body)).toBe('The file is not a CSV text file.');
      const noHeader = await browser.upload(action, 'x.csv', 'just,some\nwords,here\n');
      expect(noHeader.statusCode).toBe(400);
      expect(alertText(noHeader.body)).toContain('No recognisable header row');
      const nothing = await browser.upload(action, '', '');
      expect(nothing.statusCode).toBe(400);
      expect(alertText(nothing.body)).toBe('Choose a CSV file to upload.');
    });
  });

  describe('API keys page', () => {
    it('shows a new key once, lists it by prefix and revokes it', async () => {
      const browser = await as('admin');
      const created = await browser.submit('/dashboard/api-keys', '/dashboard/api-keys', { name: 'Survey <webhook>' });
      expect(created.statusCode).toBe(200);
      expect(created.headers['cache-control']).toBe('no-store');
      const key = /id="new-key"[^>]*value="(gw_[A-Za-z0-9_-]{43})"/.exec(created.body)?.[1];
      expect(key).toBeDefined();
      expect(created.body).toContain("won't be shown again");
      expect(created.body).toContain('Survey &lt;webhook&gt;');

      const list = await browser.get('/dashboard/api-keys');
      expect(list.body).not.toContain(key);
      expect(list.body).toContain(`${key!.slice(0, 11)}…`);
      expect(await t.app.get(ApiKeysService).authenticate(key!)).toMatchObject({ type: 'api_key' });

      const id = (await t.app.get(ApiKeysService).list()).find((k) => k.name === 'Survey <webhook>')!.id;
      const revoked = await browser.post(`/dashboard/api-keys/${id}/revoke`);
      expect(revoked.statusCode).toBe(303);
      expect(revoked.headers.location).toBe('/dashboard/api-keys?notice=revoked');
      const after = await browser.get(revoked.headers.location as string);
      expect(after.body).toContain('API key revoked');
      expect(after.body).toMatch(/Revoked \d{4}-\d\d-\d\d/);
      expect(await t.app.get(ApiKeysService).authenticate(key!)).toBeNull();
    });

    it('asks for a name', async () => {
      const res = await (await as('admin')).submit('/dashboard/api-keys', '/dashboard/api-keys', { name: '  ' });
      expect(res.statusCode).toBe(400);
      expect(alertText(res.body)).toContain('Name must be 1-100 characters');
    });
  });

  describe('settings page', () => {
    const valid = { brandName: 'Pages Motors', brandPostalAddress: '1 Test Street, Springfield', frequencyCap: '1', alertWindowDays: '10', dataRetentionDays: '400', rawClickRetentionDays: '60' };

    it('saves valid settings', async () => {
      const res = await (await as('admin')).submit('/dashboard/settings', '/dashboard/settings', valid);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/dashboard/settings?notice=saved');
      expect(await t.app.get(SettingsService).get()).toMatchObject({ brandName: 'Pages Motors', frequencyCap: 1, alertWindowDays: 10, dataRetentionDays: 400, rawClickRetentionDays: 60 });
    });

    it('refuses a frequency cap of 3 with a message, changing nothing', async () => {
      const res = await (await as('admin')).submit('/dashboard/settings', '/dashboard/settings', { ...valid, frequencyCap: '3', brandName: 'Not saved' });
      expect(res.statusCode).toBe(400);
      expect(alertText(res.body)).toContain('Frequency cap must be 0, 1 or 2');
      expect(res.body).toContain('value="3"');
      expect(await t.app.get(SettingsService).get()).toMatchObject({ brandName: 'Pages Motors', frequencyCap: 1 });
      const words = await (await as('admin')).submit('/dashboard/settings', '/dashboard/settings', { ...valid, dataRetentionDays: 'forever' });
      expect(words.statusCode).toBe(400);
      expect(alertText(words.body)).toContain('Data retention (days) must be a whole number');
    });

    it('shows settings to a marketer without a form', async () => {
      const res = await (await as('marketer')).get('/dashboard/settings');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Only admins can change these.');
      expect(res.body).not.toContain('action="/dashboard/settings"');
    });
  });

  describe('account page', () => {
    it('changes the password: a fresh cookie here, other sessions end', async () => {
      await users.create(setup, { email: 'changer@pages.example', role: 'dealer', locationCodes: [OWN], password: 'changer-password-1' });
      const here = new FormBrowser(t.app);
      await here.signIn('changer@pages.example', 'changer-password-1');
      const elsewhere = new FormBrowser(t.app);
      await elsewhere.signIn('changer@pages.example', 'changer-password-1');

      const wrong = await here.submit('/dashboard/account', '/dashboard/account/password', {
        currentPassword: 'not-it-at-all',
        newPassword: 'changer-password-2',
        confirmPassword: 'changer-password-2',
      });
      expect(wrong.statusCode).toBe(400);
      expect(alertText(wrong.body)).toContain('Current password is not correct');
      const mismatch = await here.submit('/dashboard/account', '/dashboard/account/password', {
        currentPassword: 'changer-password-1',
        newPassword: 'changer-password-2',
        confirmPassword: 'changer-password-3',
      });
      expect(alertText(mismatch.body)).toContain("The two new passwords don't match.");
      const short = await here.submit('/dashboard/account', '/dashboard/account/password', {
        currentPassword: 'changer-password-1',
        newPassword: 'short',
        confirmPassword: 'short',
      });
      expect(alertText(short.body)).toContain('New password must be at least 12 characters');

      const ok = await here.submit('/dashboard/account', '/dashboard/account/password', {
        currentPassword: 'changer-password-1',
        newPassword: 'changer-password-2',
        confirmPassword: 'changer-password-2',
      });
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/dashboard/account?notice=password-changed');
      expect((await here.get('/dashboard/account')).statusCode).toBe(200);
      expect((await elsewhere.get('/dashboard/account')).statusCode).toBe(303);
      expect((await new FormBrowser(t.app).signIn('changer@pages.example', 'changer-password-2')).statusCode).toBe(303);
    });

    it('signs out everywhere', async () => {
      await users.create(setup, { email: 'everywhere@pages.example', role: 'marketer', password: 'everywhere-password-1' });
      const one = new FormBrowser(t.app);
      await one.signIn('everywhere@pages.example', 'everywhere-password-1');
      const two = new FormBrowser(t.app);
      await two.signIn('everywhere@pages.example', 'everywhere-password-1');
      const res = await one.submit('/dashboard/account', '/dashboard/account/logout-everywhere');
      expect(res.headers.location).toBe('/login?notice=signed-out-everywhere');
      expect((await two.get('/dashboard')).statusCode).toBe(303);
    });
  });
});
