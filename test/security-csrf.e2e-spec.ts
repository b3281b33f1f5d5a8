import { OWN, PASSWORD, seedStaff } from './feedback-fixtures';
import { createTestApp, TestApp } from './support/app';
import { csrfTokenIn, FormBrowser } from './support/form-browser';
import { RegisteredRoute, registeredRoutes } from './support/staff-routes';

/** Posts outside /api that take no CSRF token, and why. */
const EXEMPT = new Map([
  ['POST /digest/unsubscribe', 'RFC 8058 one-click unsubscribe of the weekly digest: mail clients post it blind'],
  ['POST /preferences/:token/unsubscribe', 'RFC 8058 one-click unsubscribe: mail clients post it blind'],
  ['POST /x-length', 'the live X counter: pure computation, changes nothing, knows no one'],
]);
const ONE_CLICK = 'POST /preferences/:token/unsubscribe';

/** A concrete URL for a route: ids, codes and tokens that name nothing (CSRF is checked before the handler). */
function sampleUrl(route: RegisteredRoute): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    /code/i.test(name) ? OWN : /token/i.test(name) ? 'x'.repeat(43) : '00000000-0000-4000-8000-000000000000',
  );
}

/**
 * CSRF on every form post, found from the registered routes (a new form post can't forget it): each runs the
 * protection, and answers 403 to a signed-in browser that sends no token or a forged one — only the one-click
 * unsubscribe is exempt. Session cookies are HttpOnly and SameSite; pages carry the security headers.
 */
describe('security: CSRF on every form post, cookie flags, headers (sqlite)', () => {
  let t: TestApp;
  let admin: FormBrowser;
  let posts: RegisteredRoute[];

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    await seedStaff(t);
    admin = new FormBrowser(t.app);
    expect((await admin.signIn('admin@staff.example.com', PASSWORD)).statusCode).toBe(303);
    posts = registeredRoutes(t.app).filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/'));
  });
  afterAll(() => t?.close());

  it('every form post outside /api runs CSRF protection, but the one-click unsubscribes and the stateless X counter', () => {
    expect(posts.length).toBeGreaterThan(30);
    expect(posts.some((r) => `${r.method} ${r.path}` === ONE_CLICK)).toBe(true);
    expect(posts.filter((r) => !r.config.csrf).map((r) => `${r.method} ${r.path}`)).toEqual([...EXEMPT.keys()]);
  });

  it('each answers 403 to a signed-in browser with no token, a forged one, or another session’s', async () => {
    const other = new FormBrowser(t.app);
    const otherToken = csrfTokenIn((await other.get('/login')).body);
    const answers: string[] = [];
    for (const route of posts.filter((r) => r.config.csrf)) {
      const url = sampleUrl(route);
      for (const [label, token] of [['none', null], ['forged', 'forged-token'], ['another session’s', otherToken]] as const) {
        const res = await admin.post(url, { note: 'x' }, token);
        if (res.statusCode !== 403) answers.push(`${route.method} ${url} with ${label} token → ${res.statusCode}`);
      }
    }
    expect(answers).toEqual([]);
  });

  it('the one-click unsubscribe takes no token: a bad link answers as a bad link, not 403', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/preferences/${'x'.repeat(43)}/unsubscribe`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).not.toBe(403);
    expect([400, 404, 410]).toContain(res.statusCode);
  });

  it('the session cookie is HttpOnly, SameSite and scoped to the site', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/login' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cookies: Object.fromEntries(page.cookies.map((c) => [c.name, c.value])),
      payload: new URLSearchParams({ email: 'marketer@staff.example.com', password: PASSWORD, _csrf: csrfTokenIn(page.body) }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const session = (res.cookies as { name: string; httpOnly?: boolean; sameSite?: string; path?: string }[]).find((c) => c.name === 'access_token');
    expect(session).toMatchObject({ httpOnly: true, path: '/' });
    expect(String(session?.sameSite).toLowerCase()).toMatch(/^(lax|strict)$/);
  });

  it.each([
    ['a staff page', '/dashboard', true],
    ['the sign-in page', '/login', false],
    ['a public location page', `/l/${OWN}`, false],
    ['the privacy page', '/privacy', false],
  ])('%s carries the security headers', async (_label, url, staff) => {
    const res = staff ? await admin.get(url) : await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/frame-ancestors 'none'|frame-ancestors 'self'/);
    expect(csp).not.toContain("'unsafe-inline'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBeDefined();
    if (staff) expect(String(res.headers['cache-control'])).toMatch(/no-store|private/);
  });
});
