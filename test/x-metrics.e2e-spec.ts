import { Logger, LoggerService } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { Customer } from '../src/customers/customer.entity';
import { JobQueue } from '../src/jobs';
import { Location } from '../src/locations/location.entity';
import { XClientFactory } from '../src/sharing/x/x-client.factory';
import { XConnection } from '../src/sharing/x/x-connection.entity';
import { XMetricsService } from '../src/sharing/x/x-metrics.service';
import { XPostMetricsSnapshot } from '../src/sharing/x/x-post-metrics.entity';
import { XPost } from '../src/sharing/x/x-post.entity';
import { insertShare } from './factories/shares';
import { FakeXServer } from './fakes/x-api/fake-x-server';
import { createTestApp, createTestAppFromEnv, TestApp, testEnv } from './support/app';

const CLIENT = { clientId: 'goodword-test-client', clientSecret: 'goodword-test-secret' };
const BEARER = `app-bearer-${randomBytes(8).toString('hex')}`;
const READ_BUDGET = 150;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private add = (message: unknown, ...rest: unknown[]) => void this.lines.push(JSON.stringify([message, ...rest]));
  log = this.add;
  error = this.add;
  warn = this.add;
  debug = this.add;
  verbose = this.add;
  fatal = this.add;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Posted x_post rows (as PostToX leaves them) for tweets that exist on the fake X. */
class Posts {
  private customerId?: string;
  private connectionId?: string;
  private locationId?: string;

  constructor(
    private readonly ds: () => DataSource,
    private readonly fake: () => FakeXServer,
  ) {}

  async add(postedAt: Date, followers = 1234): Promise<XPost> {
    const ds = this.ds();
    if (!this.connectionId) {
      this.customerId = randomUUID();
      await ds.getRepository(Customer).insert({ id: this.customerId, email: `c-${this.customerId}@example.com`, name: 'Ana Silva' });
      const connection = await ds.getRepository(XConnection).save({
        customerId: this.customerId,
        xUserId: this.fake().defaultUser.id,
        xUsername: this.fake().defaultUser.username,
        accessTokenEnc: 'not used by the metrics reads',
        scopes: 'tweet.read users.read',
        expiresAt: new Date(),
      });
      this.connectionId = connection.id;
      this.locationId = (await ds.getRepository(Location).save({ code: `XM-${randomUUID().slice(0, 8)}`, name: 'Springfield' })).id;
    }
    const { shareId } = await insertShare(ds, { customerId: this.customerId, locationId: this.locationId, channel: 'x_post' });
    const trackedUrl = `https://advocates.example.com/r/${randomBytes(6).toString('base64url')}`;
    const tweet = this.fake().seedPost(this.fake().defaultUser.id, `Great service! ${trackedUrl}`);
    return ds.getRepository(XPost).save({
      shareId,
      connectionId: this.connectionId,
      status: 'posted',
      textHash: '0'.repeat(64),
      trackedUrl,
      xPostId: tweet.id,
      postedAt,
      followerCount: followers,
      attempts: 1,
    });
  }

  async many(count: number, postedAt: Date): Promise<XPost[]> {
    const posts: XPost[] = [];
    for (let i = 0; i < count; i++) posts.push(await this.add(postedAt));
    return posts;
  }
}

describe('X metrics (PostgreSQL, BullMQ)', () => {
  let fake: FakeXServer;
  let t: TestApp;
  let second: TestApp;
  const ds = () => t.app.get(DataSource);
  const metrics = () => t.app.get(XMetricsService);
  const posts = new Posts(ds, () => fake);
  const snapshots = (postIds: string[]) =>
    ds().getRepository(XPostMetricsSnapshot).find({ where: { postId: In(postIds) }, order: { dueAt: 'ASC' } });
  const appLookups = () => fake.requests.filter((r) => r.app && r.endpoint === 'tweets.lookup');
  const logs = new CapturingLogger();

  beforeAll(async () => {
    fake = await FakeXServer.start({ ...CLIENT, appBearerToken: BEARER });
    const { env, schema } = testEnv({ dialect: 'postgres', redis: true });
    Object.assign(env, {
      X_CLIENT_ID: CLIENT.clientId,
      X_CLIENT_SECRET: CLIENT.clientSecret,
      X_API_BASE: fake.url,
      X_BEARER_TOKEN: BEARER,
      X_MONTHLY_READ_BUDGET: String(READ_BUDGET),
    });
    t = await createTestAppFromEnv(env, schema);
    // A second process on the same database and queue (another worker).
    second = await createTestAppFromEnv(env);
    Logger.overrideLogger(logs);
  });
  afterAll(async () => {
    await second?.stop();
    await t?.close();
    await fake?.close();
  });

  it('reads a post at 1 hour, 1 day, 7 days and 30 days after posting, once each, then stops', async () => {
    const base = new Date('2031-01-10T12:00:00Z');
    const post = await posts.add(base, 1234);
    const at = (ms: number) => new Date(base.getTime() + ms);

    expect(await metrics().run(at(30 * MIN))).toMatchObject({ outcome: 'done', read: 0 });
    expect(appLookups()).toHaveLength(0);

    fake.setMetrics(post.xPostId!, { impression_count: 100, like_count: 3, retweet_count: 1, reply_count: 2, quote_count: 0, bookmark_count: 1 });
    expect(await metrics().run(at(61 * MIN))).toMatchObject({ outcome: 'done', read: 1 });
    expect(await metrics().run(at(70 * MIN))).toMatchObject({ outcome: 'done', read: 0 }); // a rerun reads nothing
    expect(appLookups()).toHaveLength(1);
    expect(appLookups()[0].ids).toEqual([post.xPostId]);

    fake.setMetrics(post.xPostId!, { impression_count: 250, like_count: 5 });
    await metrics().run(at(DAY + 5 * MIN));
    fake.setMetrics(post.xPostId!, { impression_count: 400 });
    await metrics().run(at(7 * DAY + 5 * MIN));
    fake.setMetrics(post.xPostId!, { impression_count: 420 });
    await metrics().run(at(30 * DAY + 5 * MIN));
    await metrics().run(at(36 * DAY));
    expect(appLookups()).toHaveLength(4);

    const rows = await snapshots([post.id]);
    expect(rows.map((r) => [r.milestone, r.state, r.impressions, r.impressionsGain, r.day])).toEqual([
      ['1h', 'read', 100, 100, '2031-01-10'],
      ['1d', 'read', 250, 150, '2031-01-11'],
      ['7d', 'read', 400, 150, '2031-01-17'],
      ['30d', 'read', 420, 20, '2031-02-09'],
    ]);
    expect(rows[0]).toMatchObject({ likes: 3, reposts: 1, replies: 2, quotes: 0, bookmarks: 1, followerCount: 1234, shareId: post.shareId });

    // What reports read: impressions per day as read, the audience on the day of posting.
    expect(await metrics().daily('2031-01-10', '2031-01-11', [post.shareId])).toEqual([
      { day: '2031-01-10', postId: post.id, shareId: post.shareId, impressions: 100, estimatedAudience: 1234 },
      { day: '2031-01-11', postId: post.id, shareId: post.shareId, impressions: 150, estimatedAudience: 0 },
    ]);
    expect(await metrics().latest([post.shareId])).toEqual([
      expect.objectContaining({ shareId: post.shareId, milestone: '30d', impressions: 420, likes: 5, estimatedAudience: 1234 }),
    ]);
    expect(await metrics().usage(at(30 * MIN))).toMatchObject({ month: '2031-01', used: 1 + 1 + 1 });
  });

  it('a run after missed milestones reads only the latest one, and a post gone from X is not read again or billed', async () => {
    const base = new Date('2032-02-03T08:00:00Z');
    const late = await posts.add(base);
    const gone = await posts.add(base);
    fake.tweets.get(gone.xPostId!)!.deleted = true;
    const before = appLookups().length;

    const result = await metrics().run(new Date(base.getTime() + 8 * DAY));
    expect(result).toMatchObject({ outcome: 'done', read: 1, gone: 1, skipped: 4 });
    expect((await snapshots([late.id])).map((r) => [r.milestone, r.state])).toEqual([['1h', 'skipped'], ['1d', 'skipped'], ['7d', 'read']]);
    expect((await snapshots([gone.id])).map((r) => [r.milestone, r.state])).toEqual([['1h', 'skipped'], ['1d', 'skipped'], ['7d', 'gone']]);
    // X bills only the post it returned.
    expect(await metrics().usage(new Date(base.getTime() + 8 * DAY))).toMatchObject({ month: '2032-02', used: 1 });

    await metrics().run(new Date(base.getTime() + 31 * DAY));
    const calls = appLookups().slice(before);
    expect(calls).toHaveLength(2);
    expect([...calls[0].ids!].sort()).toEqual([late.xPostId, gone.xPostId].sort());
    expect(calls[1].ids).toEqual([late.xPostId]);
  });

  it('takes over a claim whose worker died (lease expired)', async () => {
    const base = new Date('2035-06-01T08:00:00Z');
    const post = await posts.add(base);
    const now = new Date(base.getTime() + 2 * HOUR);
    await ds().getRepository(XPostMetricsSnapshot).insert({
      id: randomUUID(), postId: post.id, shareId: post.shareId, milestone: '1h', state: 'claimed', claimToken: randomUUID(),
      leaseUntil: new Date(now.getTime() + MIN), dueAt: new Date(base.getTime() + HOUR),
    });
    expect(await metrics().run(now)).toMatchObject({ read: 0 }); // the lease still holds
    expect(await metrics().run(new Date(now.getTime() + 10 * MIN))).toMatchObject({ read: 1 });
    expect((await snapshots([post.id])).map((r) => [r.milestone, r.state, r.claimToken])).toEqual([['1h', 'read', null]]);
  });

  it('stops reading when X_MONTHLY_READ_BUDGET is spent, and reads nothing more that month', async () => {
    const base = new Date('2033-03-10T08:00:00Z');
    const batch = await posts.many(READ_BUDGET + 10, base);
    const now = new Date(base.getTime() + 2 * HOUR);
    const before = appLookups().length;
    const billedBefore = fake.postsReadByApp();

    expect(await metrics().run(now)).toMatchObject({ outcome: 'done', read: READ_BUDGET, budgetSpent: true });
    expect(await metrics().run(new Date(now.getTime() + 10 * MIN))).toMatchObject({ outcome: 'done', read: 0, budgetSpent: true });

    expect(fake.postsReadByApp() - billedBefore).toBe(READ_BUDGET);
    expect(appLookups().slice(before).every((r) => r.ids!.length <= 100)).toBe(true);
    expect(await metrics().usage(now)).toMatchObject({ month: '2033-03', used: READ_BUDGET, budget: READ_BUDGET });
    const rows = await snapshots(batch.map((p) => p.id));
    expect(rows.filter((r) => r.state === 'read')).toHaveLength(READ_BUDGET);
    expect(rows.filter((r) => r.state === 'claimed')).toHaveLength(0); // the rest is left for later, unclaimed
  });

  it('two workers at once: each due post is read and stored once', async () => {
    const base = new Date('2034-05-10T08:00:00Z');
    const batch = await posts.many(120, base);
    const now = new Date(base.getTime() + 2 * HOUR);
    const before = appLookups().length;

    // The first worker is mid-read (X answers slowly) when the others start.
    fake.lookupDelayMs = 300;
    const first = metrics().run(now);
    await waitFor(async () => appLookups().length, (n) => n > before, 'the first worker to call X');
    const results = await Promise.all([first, second.app.get(XMetricsService).run(now), metrics().run(now)]).finally(() => {
      fake.lookupDelayMs = 0;
    });

    const read = results.reduce((sum, r) => sum + (r.outcome === 'done' ? r.read : 0), 0);
    expect(read).toBe(120);
    const asked = appLookups().slice(before).flatMap((r) => r.ids!);
    expect(asked.sort()).toEqual(batch.map((p) => p.xPostId!).sort());
    const rows = await snapshots(batch.map((p) => p.id));
    expect(rows).toHaveLength(120);
    expect(rows.every((r) => r.state === 'read' && r.milestone === '1h')).toBe(true);
    expect(await metrics().usage(now)).toMatchObject({ used: 120 });
  });

  it('429: reads nothing until x-rate-limit-reset, then the job reads on its own', async () => {
    const post = await posts.add(new Date(Date.now() - 2 * HOUR));
    const usedBefore = (await metrics().usage()).used;
    fake.fail('tweets.lookup', { type: 'rate-limit', resetInSeconds: 2 });

    const first = await metrics().run();
    expect(first.outcome).toBe('rate_limited');
    const until = (first as { until: Date }).until.getTime();
    expect(await metrics().run()).toMatchObject({ outcome: 'rate_limited' }); // no call to X meanwhile
    expect(await second.app.get(XMetricsService).run()).toMatchObject({ outcome: 'rate_limited' }); // every worker waits
    expect(await snapshots([post.id])).toEqual([]);
    expect((await metrics().usage()).used).toBe(usedBefore); // a 429 is not billed

    const rows = await waitFor(() => snapshots([post.id]), (r) => r[0]?.state === 'read', 'the rescheduled metrics job');
    expect(rows.map((r) => r.milestone)).toEqual(['1h']);
    const calls = appLookups().filter((r) => r.ids!.includes(post.xPostId!));
    expect(calls.map((r) => r.status)).toEqual([429, 200]);
    expect(calls[1].at).toBeGreaterThanOrEqual(until);
    expect((await metrics().usage()).used).toBe(usedBefore + 1);
  });

  it('logs what it did, never the bearer token', () => {
    const logged = logs.lines.join('\n');
    expect(logged).toContain('X post metrics read');
    expect(logged).toContain('X read budget spent');
    expect(logged).toContain('X rate-limited the metrics reads');
    expect(logged).not.toContain(BEARER);
  });
});

describe('X metrics without X_BEARER_TOKEN (SQLite, in-process jobs)', () => {
  let fake: FakeXServer;
  let t: TestApp;
  const logs = new CapturingLogger();

  beforeAll(async () => {
    fake = await FakeXServer.start({ ...CLIENT, appBearerToken: BEARER });
    t = await createTestApp({ dialect: 'sqlite', env: { X_CLIENT_ID: CLIENT.clientId, X_CLIENT_SECRET: CLIENT.clientSecret, X_API_BASE: fake.url } });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('reads nothing and says so once in the log', async () => {
    const posts = new Posts(() => t.app.get(DataSource), () => fake);
    await posts.add(new Date(Date.now() - 2 * DAY));
    Logger.overrideLogger(logs);
    // A fresh service, as a process starting: its first run says why nothing is read; later runs are quiet.
    const service = new XMetricsService(t.app.get(DataSource), t.app.get(XClientFactory), t.app.get(AppConfig), t.app.get(JobQueue));
    expect(await service.run()).toEqual({ outcome: 'no_token' });
    expect(await service.run()).toEqual({ outcome: 'no_token' });
    expect(await t.app.get(XMetricsService).run()).toEqual({ outcome: 'no_token' });
    expect(fake.count('tweets.lookup')).toBe(0);
    expect(logs.lines.filter((line) => line.includes('X_BEARER_TOKEN is not set'))).toHaveLength(1);
    expect(await t.app.get(DataSource).getRepository(XPostMetricsSnapshot).count()).toBe(0);
  });
});

describe('X metrics on SQLite with in-process jobs (the default)', () => {
  let fake: FakeXServer;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeXServer.start({ ...CLIENT, appBearerToken: BEARER });
    t = await createTestApp({
      dialect: 'sqlite',
      env: { X_CLIENT_ID: CLIENT.clientId, X_CLIENT_SECRET: CLIENT.clientSecret, X_API_BASE: fake.url, X_BEARER_TOKEN: BEARER, X_MONTHLY_READ_BUDGET: '1' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('reads each milestone once, within the budget, and waits out a 429', async () => {
    const ds = t.app.get(DataSource);
    const metrics = t.app.get(XMetricsService);
    const posts = new Posts(() => ds, () => fake);
    const base = new Date(Date.now() - 2 * HOUR);
    const [a, b] = await posts.many(2, base);
    fake.setMetrics(a.xPostId!, { impression_count: 10 });
    fake.setMetrics(b.xPostId!, { impression_count: 20 });
    const at = (ms: number) => new Date(base.getTime() + ms);

    fake.fail('tweets.lookup', { type: 'rate-limit', resetInSeconds: 3600 });
    const limited = await metrics.run(at(2 * HOUR));
    expect(limited.outcome).toBe('rate_limited');
    const until = (limited as { until: Date }).until;
    expect(await metrics.run(at(2 * HOUR + 10 * MIN))).toMatchObject({ outcome: 'rate_limited' });
    expect(fake.count('tweets.lookup')).toBe(1);

    const after = new Date(until.getTime() + MIN);
    // The budget (1) covers one of the two posts this month.
    expect(await metrics.run(after)).toMatchObject({ outcome: 'done', read: 1, budgetSpent: true });
    expect(await metrics.run(after)).toMatchObject({ outcome: 'done', read: 0 });
    const rows = await ds.getRepository(XPostMetricsSnapshot).findBy({ postId: In([a.id, b.id]) });
    expect(rows.map((r) => [r.milestone, r.state])).toEqual([['1h', 'read']]);
    expect(await metrics.usage(after)).toMatchObject({ used: 1, budget: 1 });
  });
});
