import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../src/common/actor';
import { SettingsService } from '../src/settings/settings.service';
import { createTestApp, TestApp } from './support/app';

describe('web shell (PostgreSQL + Redis)', () => {
  let t: TestApp;
  const inject = (opts: Parameters<TestApp['app']['inject']>[0]) => t.app.inject(opts);

  beforeAll(async () => {
    t = await createTestApp({ redis: true });
  });
  afterAll(() => t.close());

  it('reports database and Redis health', async () => {
    const res = await inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('serves Prometheus metrics, labelled by route pattern', async () => {
    await inject({ method: 'GET', url: '/health' });
    const res = await inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/goodword_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.body).toContain('goodword_process_cpu_seconds_total');
  });

  it('documents the API with OpenAPI at /api/docs', async () => {
    const page = await inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
    expect(page.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    const spec = await inject({ method: 'GET', url: '/api/docs-json' });
    expect(spec.json().paths).toHaveProperty(['/api/locations']);
    expect(spec.json().paths).not.toHaveProperty(['/metrics']);
  });

  it('sends security headers', async () => {
    const res = await inject({ method: 'GET', url: '/' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toMatch(/style-src 'self'(;|$)/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('renders the home page with the brand and serves its stylesheet locally', async () => {
    const page = await inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(t.config.brandName);
    expect(page.body).toContain('name="viewport"');
    const css = await inject({ method: 'GET', url: '/assets/app.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });

  it('has a favicon: /favicon.ico leads to the local SVG icon every page links to', async () => {
    const page = await inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.body).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">');
    const ico = await inject({ method: 'GET', url: '/favicon.ico' });
    expect(ico.statusCode).toBe(301);
    expect(ico.headers.location).toBe('/assets/favicon.svg');
    const svg = await inject({ method: 'GET', url: '/assets/favicon.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
  });

  it('shows the brand name an admin set in the settings', async () => {
    await t.app.get(SettingsService).update(SYSTEM_ACTOR, { brandName: 'Riverside Auto Group' });
    const page = await inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.body).toContain('<title>Welcome · Riverside Auto Group</title>');
  });

  it('answers unknown API routes with the JSON error shape', async () => {
    const res = await inject({ method: 'GET', url: '/api/nothing-here', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, message: [expect.any(String)], error: 'Not Found' });
  });

  it('answers unknown pages with a friendly HTML page', async () => {
    const res = await inject({ method: 'GET', url: '/nothing-here', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('We could not find that page.');
  });

  it('speaks with one voice on every error page: the same title for the same error, wherever it is rendered', async () => {
    const titleOf = async (url: string) => {
      const res = await inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      return { status: res.statusCode, title: /<title>([^<·]*) · [^<]+<\/title>/.exec(res.body)?.[1], h1: /<h1>([^<]*)<\/h1>/.exec(res.body)?.[1] };
    };
    const notFound = { status: 404, title: 'Page not found', h1: 'Page not found' };
    expect(await titleOf('/nothing-here')).toEqual(notFound); // the exception filter
    expect(await titleOf('/p/00000000-0000-4000-8000-000000000000')).toEqual(notFound); // a public page
    expect(await titleOf('/l/NO-SUCH-PLACE')).toEqual(notFound);
    expect(await titleOf('/r/nosuchlink')).toEqual(notFound); // the redirect route
  });

  it('rejects unknown and invalid fields with every reason listed', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'not-an-email', password: 'x', admin: true },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.message).toEqual(expect.arrayContaining(['property admin should not exist']));
  });

  it('answers a body that is not JSON with 400 and an oversized one with 413', async () => {
    const bad = await inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const big = await inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(3 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
  });

  // Last: breaks the database under the app on purpose.
  it('answers an unexpected failure with a bare 500 and no internals, and /health turns 503', async () => {
    await t.app.get(DataSource).query(`DROP SCHEMA "${t.schema}" CASCADE`);
    const api = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.com', password: 'long-enough-password' } });
    expect(api.statusCode).toBe(500);
    expect(api.json()).toEqual({ statusCode: 500, message: ['Internal server error'], error: 'Internal Server Error' });
    expect(api.body).not.toMatch(/relation|at \w+ \(|\.ts:/);

    await t.app.get(DataSource).destroy();
    const health = await inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
  });
});
