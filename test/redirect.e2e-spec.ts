import { insertShare } from './factories/shares';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ClickEvent } from '../src/reach/click-event.entity';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { createTestApp, TestApp } from './support/app';
import { dropSchema, POSTGRES_URL } from './support/database';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

describe.each(['postgres', 'sqlite'] as const)('tracked-link redirect on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let links: TrackedLinksService;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    links = t.app.get(TrackedLinksService);
  });
  afterAll(() => t.close());

  const newLink = (targetPath = '/p/123') => db.transaction((m) => links.create(m, { targetPath }));
  const visit = (code: string, headers: Record<string, string> = { 'user-agent': PHONE }) =>
    t.app.inject({ method: 'GET', url: `/r/${code}`, headers });
  const clicksOf = async (linkId: string) => {
    await t.app.get(ClickRecorder).flush();
    return db.getRepository(ClickEvent).find({ where: { linkId }, order: { id: 'ASC' } });
  };

  it('redirects with 302 to the absolute public page and is never cached', async () => {
    const link = await newLink('/p/abc');
    expect(link.code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const res = await visit(link.code);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`${t.config.publicUrl}/p/abc`);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('counts each visit, in batches, without storing the IP address', async () => {
    const link = await newLink();
    await visit(link.code, { 'user-agent': PHONE, referer: 'https://t.co/xyz?utm=1' });
    await visit(link.code, { 'user-agent': PHONE });
    await visit(link.code, { 'user-agent': 'facebookexternalhit/1.1' });
    const clicks = await clicksOf(link.id);
    expect(clicks.map((c) => c.isBot)).toEqual([false, false, true]);
    expect(clicks[0].referrerHost).toBe('t.co');
    expect(clicks[0].visitorHash).toBe(clicks[1].visitorHash); // same person, same day
    expect(clicks[2].visitorHash).not.toBe(clicks[0].visitorHash);
    expect(JSON.stringify(clicks)).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
  });

  it('counts HEAD requests, prefetches and link-preview fetchers as bot hits, never as people', async () => {
    const link = await newLink();
    await visit(link.code);
    expect((await t.app.inject({ method: 'HEAD', url: `/r/${link.code}`, headers: { 'user-agent': PHONE } })).statusCode).toBe(302);
    await visit(link.code, { 'user-agent': PHONE, 'sec-purpose': 'prefetch' });
    await visit(link.code, { 'user-agent': PHONE, purpose: 'prefetch' });
    await visit(link.code, { 'user-agent': 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)' });
    await visit(link.code, { 'user-agent': 'TelegramBot (like TwitterBot)' });
    const clicks = await clicksOf(link.id);
    expect(clicks.map((c) => c.isBot)).toEqual([false, true, true, true, true, true]);
  });

  it('loses no click under a burst of concurrent visits', async () => {
    const link = await newLink();
    const responses = await Promise.all(Array.from({ length: 1500 }, () => visit(link.code)));
    expect(responses.every((r) => r.statusCode === 302)).toBe(true);
    expect(await clicksOf(link.id)).toHaveLength(1500);
  });

  it('answers unknown and malformed codes with the same friendly 404 page, and disabled links with 410', async () => {
    for (const code of ['AAAAAAAAAAAA', 'short', '../../etc/passwd']) {
      const res = await visit(encodeURIComponent(code));
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('We could not find that link.');
    }
    const { shareId } = await insertShare(db);
    const link = await db.transaction(async (m) => {
      const created = await links.create(m, { targetPath: '/p/gone', shareId });
      await links.disableForShares(m, [shareId]);
      return created;
    });
    const res = await visit(link.code);
    expect(res.statusCode).toBe(410);
    expect(await clicksOf(link.id)).toHaveLength(0);
  });

  it('refuses to create a link to anything but a local path (no open redirect)', async () => {
    for (const targetPath of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      await expect(db.transaction((m) => links.create(m, { targetPath }))).rejects.toThrow(/local path/);
    }
  });
});

describe('ClickRecorder at shutdown', () => {
  it('writes the clicks still buffered when the app stops', async () => {
    const t = await createTestApp({ dialect: 'postgres' });
    const db = t.app.get(DataSource);
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/1' }));
    for (let i = 0; i < 5; i++) await t.app.inject({ method: 'GET', url: `/r/${link.code}`, headers: { 'user-agent': PHONE } });
    expect(t.app.get(ClickRecorder).pending).toBe(5);
    await t.app.close(); // flushes on shutdown
    const client = new Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${t.schema}".click_event WHERE link_id = $1`, [link.id]);
      expect(rows[0].n).toBe(5);
    } finally {
      await client.end();
      await dropSchema(t.schema!);
    }
  });
});

/**
 * Over a real socket the redirect is answered in front of Fastify (RedirectFastPath): same answers, same
 * click records, and the same proxy trust for the visitor's address as Fastify's `request.ip`.
 */
describe.each([false, true])('tracked-link redirect over HTTP (TRUST_PROXY=%p)', (trustProxy) => {
  let t: TestApp;
  let db: DataSource;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite', env: trustProxy ? { TRUST_PROXY: 'true' } : {} });
    db = t.app.get(DataSource);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => t.close());

  const get = (path: string, headers: Record<string, string> = { 'user-agent': PHONE }) =>
    fetch(`${base}${path}`, { redirect: 'manual', headers });
  const newLink = () => db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/socket' }));

  it('redirects, counts the visit and tells visitors apart by their address as the proxy setting says', async () => {
    const link = await newLink();
    const res = await get(`/r/${link.code}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${t.config.publicUrl}/p/socket`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    await get(`/r/${link.code}`, { 'user-agent': PHONE, 'x-forwarded-for': '203.0.113.7' });
    await get(`/r/${link.code}`, { 'user-agent': PHONE, 'x-forwarded-for': '198.51.100.9' });
    await t.app.get(ClickRecorder).flush();
    const clicks = await db.getRepository(ClickEvent).find({ where: { linkId: link.id }, order: { id: 'ASC' } });
    expect(clicks).toHaveLength(3);
    const distinct = new Set(clicks.map((c) => c.visitorHash)).size;
    // Trusted: each forwarded address is its own visitor. Not trusted: the header is ignored (one visitor).
    expect(distinct).toBe(trustProxy ? 3 : 1);
  });

  it('counts a browser’s prefetch answered in front of Fastify as a bot hit', async () => {
    const link = await newLink();
    await get(`/r/${link.code}`, { 'user-agent': PHONE, 'sec-purpose': 'prefetch;prerender' });
    await get(`/r/${link.code}`);
    await t.app.get(ClickRecorder).flush();
    const clicks = await db.getRepository(ClickEvent).find({ where: { linkId: link.id }, order: { id: 'ASC' } });
    expect(clicks.map((c) => c.isBot)).toEqual([true, false]);
  });

  it('leaves disabled, unknown and query-string links to the page route: 410, 404 and 302', async () => {
    const { shareId } = await insertShare(db);
    const disabled = await db.transaction(async (m) => {
      const created = await t.app.get(TrackedLinksService).create(m, { targetPath: '/p/gone', shareId });
      await t.app.get(TrackedLinksService).disableForShares(m, [shareId]);
      return created;
    });
    const gone = await get(`/r/${disabled.code}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('no longer available');
    expect((await get('/r/AAAAAAAAAAAA')).status).toBe(404);
    const link = await newLink();
    expect((await get(`/r/${link.code}?utm_source=x`)).status).toBe(302);
  });
});
