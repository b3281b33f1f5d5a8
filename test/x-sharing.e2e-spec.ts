import { Logger, LoggerService } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { cliActor } from '../src/common/actor';
import { Customer } from '../src/customers/customer.entity';
import { EraseCustomer } from '../src/privacy/erase-customer';
import { PostToX } from '../src/sharing/x/post-to-x.use-case';
import { XConnection } from '../src/sharing/x/x-connection.entity';
import { XNotConfiguredError } from '../src/sharing/x/x-errors';
import { XOAuthService } from '../src/sharing/x/x-oauth.service';
import { budgetMonth } from '../src/sharing/x/x-post-budget.service';
import { XPostBudget } from '../src/sharing/x/x-post-budget.entity';
import { XPost } from '../src/sharing/x/x-post.entity';
import { XPostService } from '../src/sharing/x/x-post.service';
import { insertShare } from './factories/shares';
import { FakeXServer, FakeXUser } from './fakes/x-api/fake-x-server';
import { createTestApp, TestApp, TestAppOptions } from './support/app';

const CLIENT = { clientId: 'goodword-test-client', clientSecret: 'goodword-test-secret' };
/** A public URL with a real TLD, so X (and the fake) linkify the tracked links as t.co. */
const PUBLIC_URL = 'https://advocates.example.com';
const BUDGET = 50;

/** Everything the app logs through Nest's Logger (services, jobs), kept to check for leaks. */
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

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One app wired to a fake X; helpers for the steps the share page will take. */
class XHarness {
  fake!: FakeXServer;
  t!: TestApp;
  logs = new CapturingLogger();
  texts: string[] = [];

  async start(options: TestAppOptions): Promise<void> {
    this.fake = await FakeXServer.start(CLIENT);
    this.t = await createTestApp({
      ...options,
      env: {
        X_CLIENT_ID: CLIENT.clientId,
        X_CLIENT_SECRET: CLIENT.clientSecret,
        X_API_BASE: this.fake.url,
        X_MONTHLY_POST_BUDGET: String(BUDGET),
        PUBLIC_URL,
        ...options.env,
      },
    });
    Logger.overrideLogger(this.logs);
  }

  async stop(): Promise<void> {
    await this.t?.close();
    await this.fake?.close();
  }

  get ds(): DataSource {
    return this.t.app.get(DataSource);
  }
  get oauth(): XOAuthService {
    return this.t.app.get(XOAuthService);
  }
  get posts(): XPostService {
    return this.t.app.get(XPostService);
  }

  async newCustomer(): Promise<string> {
    const id = randomUUID();
    await this.ds.getRepository(Customer).insert({ id, email: `c-${id}@example.com`, name: 'Ana Silva' });
    return id;
  }

  /** The whole connect flow: start → consent on X → X redirects to /auth/x/callback. */
  async connect(customerId: string, user?: FakeXUser): Promise<XConnection> {
    const { url } = await this.oauth.start({ customerId, returnTo: '/i/invite-token?step=share' });
    const consent = this.fake.authorize(url, { user });
    const res = await this.t.app.inject({ method: 'GET', url: consent.callbackPath });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/i/invite-token?step=share&x=connected');
    return this.ds.getRepository(XConnection).findOneByOrFail({ customerId, revokedAt: IsNull() });
  }

  async connected(user?: FakeXUser): Promise<XConnection> {
    return this.connect(await this.newCustomer(), user);
  }

  share(text = `Great service at the Springfield store, thank you! ${randomBytes(3).toString('hex')}`) {
    this.texts.push(text);
    return { shareId: randomUUID(), text, trackedUrl: `${PUBLIC_URL}/r/${randomBytes(6).toString('base64url')}` };
  }

  async queue(connection: XConnection, share = this.share()) {
    await insertShare(this.ds, { shareId: share.shareId, customerId: connection.customerId });
    const { postId } = await this.ds.transaction((manager) =>
      this.posts.queue(manager, { ...share, connectionId: connection.id }),
    );
    this.posts.kick();
    return { postId, ...share };
  }

  /** An x_post row without its job, for driving PostToX directly. */
  async insertPost(connection: XConnection, share = this.share(), fields: Partial<XPost> = {}) {
    await insertShare(this.ds, { shareId: share.shareId, customerId: connection.customerId });
    const repo = this.ds.getRepository(XPost);
    const { hashText } = await import('../src/sharing/x/x-status');
    const post = await repo.save(
      repo.create({ ...share, connectionId: connection.id, status: 'queued', textHash: hashText(share.text), attempts: 0, ...fields }),
    );
    return { postId: post.id, ...share };
  }

  post(postId: string): Promise<XPost> {
    return this.ds.getRepository(XPost).findOneByOrFail({ id: postId });
  }

  settled(postId: string, what = 'the post to settle'): Promise<XPost> {
    return waitFor(() => this.post(postId), (p) => p.status !== 'queued', what);
  }
}

describe('X sharing (PostgreSQL, BullMQ)', () => {
  const h = new XHarness();
  beforeAll(() => h.start({ dialect: 'postgres', redis: true }));
  afterAll(() => h.stop());

  describe('connecting an account', () => {
    it('stores the account with its tokens encrypted, and audits the connection', async () => {
      const customerId = await h.newCustomer();
      const connection = await h.connect(customerId);

      expect(connection).toMatchObject({
        xUserId: h.fake.defaultUser.id,
        xUsername: 'happy_customer',
        followerCountAtConnect: 1234,
        scopes: expect.stringContaining('tweet.write'),
        revokedAt: null,
      });
      expect(connection.accessTokenEnc).toMatch(/^v1:/);
      expect(connection.refreshTokenEnc).toMatch(/^v1:/);
      const rows = JSON.stringify(await h.ds.query('SELECT * FROM x_connection'));
      const states = JSON.stringify(await h.ds.query('SELECT * FROM x_oauth_state'));
      for (const secret of h.fake.issuedSecrets()) {
        expect(rows).not.toContain(secret);
        expect(states).not.toContain(secret);
      }
      const audit = await h.ds.getRepository(AuditEvent).findOneByOrFail({ action: 'x.connect', subjectId: connection.id });
      expect(audit).toMatchObject({ actorType: 'customer', actorId: customerId });
    });

    it('refuses a state used once already, and one it never issued, with a page instead of a redirect', async () => {
      const customerId = await h.newCustomer();
      const { url } = await h.oauth.start({ customerId, returnTo: '/i/secret-invite-token' });
      const consent = h.fake.authorize(url);
      const first = await h.t.app.inject({ method: 'GET', url: consent.callbackPath });
      expect(first.statusCode).toBe(303);

      const again = await h.t.app.inject({ method: 'GET', url: consent.callbackPath });
      expect(again.statusCode).toBe(400);
      expect(again.headers['content-type']).toContain('text/html');
      expect(again.body).toContain('expired');
      expect(again.body).not.toContain('secret-invite-token');

      const unknown = await h.t.app.inject({ method: 'GET', url: `/auth/x/callback?state=${'a'.repeat(32)}&code=whatever` });
      expect(unknown.statusCode).toBe(400);
      const missing = await h.t.app.inject({ method: 'GET', url: '/auth/x/callback' });
      expect(missing.statusCode).toBe(400);
    });

    it('sends the customer back with x=failed when they decline on X or X refuses the code', async () => {
      const customerId = await h.newCustomer();
      const declined = h.fake.authorize((await h.oauth.start({ customerId, returnTo: '/i/t1' })).url, { deny: true });
      const res = await h.t.app.inject({ method: 'GET', url: declined.callbackPath });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/i/t1?x=failed');

      const consent = h.fake.authorize((await h.oauth.start({ customerId, returnTo: '/i/t2' })).url);
      h.fake.fail('token', { type: 'server-error' });
      const refused = await h.t.app.inject({ method: 'GET', url: consent.callbackPath });
      expect(refused.headers.location).toBe('/i/t2?x=failed');
      expect(await h.ds.getRepository(XConnection).countBy({ customerId })).toBe(0);
    });

    it('refuses a returnTo that is not a local path', async () => {
      const customerId = await h.newCustomer();
      await expect(h.oauth.start({ customerId, returnTo: 'https://evil.example/' })).rejects.toThrow('local path');
      await expect(h.oauth.start({ customerId, returnTo: '//evil.example/' })).rejects.toThrow('local path');
    });

    it('keeps one active connection per customer: connecting another account revokes the old one', async () => {
      const customerId = await h.newCustomer();
      const first = await h.connect(customerId);
      const other = h.fake.addUser({ username: 'second_account', followers: 10 });
      await h.connect(customerId, other);
      const rows = await h.ds.getRepository(XConnection).find({ where: { customerId }, order: { createdAt: 'ASC' } });
      expect(rows).toHaveLength(2);
      expect(rows.find((r) => r.id === first.id)!.revokedAt).not.toBeNull();
      expect(rows.find((r) => r.id !== first.id)).toMatchObject({ xUsername: 'second_account', revokedAt: null });
    });
  });

  describe('posting', () => {
    let connection: XConnection;
    beforeAll(async () => {
      connection = await h.connected();
    });

    it('posts the approved text with the tracked link once, and stores the post id and follower count', async () => {
      const before = h.fake.count('tweets.create');
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);

      expect(post).toMatchObject({ status: 'posted', followerCount: 1234, text: null, lastError: null, attempts: 1 });
      expect(post.postedAt).toBeInstanceOf(Date);
      const onX = h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(queued.trackedUrl));
      expect(onX).toHaveLength(1);
      expect(onX[0].id).toBe(post.xPostId);
      expect(onX[0].postedText).toBe(`${queued.text} ${queued.trackedUrl}`);
      expect(onX[0].urls[0].expanded_url).toBe(queued.trackedUrl);
      expect(h.fake.count('tweets.create')).toBe(before + 1);
      expect(await h.ds.getRepository(AuditEvent).countBy({ action: 'x.post', subjectId: post.id })).toBe(1);
      expect((await h.posts.findByShare(queued.shareId))!.xUrl).toBe(`https://x.com/i/web/status/${post.xPostId}`);
    });

    it('queues a share once: queueing it again returns the same post', async () => {
      const share = h.share();
      await insertShare(h.ds, { shareId: share.shareId, customerId: connection.customerId });
      const first = await h.ds.transaction((m) => h.posts.queue(m, { ...share, connectionId: connection.id }));
      const again = await h.ds.transaction((m) => h.posts.queue(m, { ...share, connectionId: connection.id }));
      expect(first.created).toBe(true);
      expect(again).toEqual({ postId: first.postId, created: false });
      h.posts.kick();
      await h.settled(first.postId);
    });

    it('refuses a text that X would count as too long', async () => {
      const share = h.share('a'.repeat(260));
      await expect(h.ds.transaction((m) => h.posts.queue(m, { ...share, connectionId: connection.id }))).rejects.toThrow('too_long');
    });

    it('crash after posting: the retry finds the post by its tracked link, and X has exactly one', async () => {
      h.fake.fail('tweets.create', { type: 'crash-after-post', how: 'drop' });
      const before = h.fake.count('tweets.create');
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);

      const onX = h.fake.postsBy(connection.xUserId).filter((t) => t.urls.some((u) => u.expanded_url === queued.trackedUrl));
      expect(onX).toHaveLength(1);
      expect(post).toMatchObject({ status: 'posted', xPostId: onX[0].id, attempts: 1 });
      expect(h.fake.count('tweets.create')).toBe(before + 1); // the retry searched instead of posting
      expect(h.fake.count('users.tweets')).toBeGreaterThan(0);
    });

    it('crash after posting answered with a 500: same outcome', async () => {
      h.fake.fail('tweets.create', { type: 'crash-after-post', how: '500' });
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);
      const onX = h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(queued.trackedUrl));
      expect(onX.map((t) => t.id)).toEqual([post.xPostId]);
    });

    it('a worker that died after X answered: the next run adopts the post instead of posting again', async () => {
      const share = h.share();
      const { postId } = await h.insertPost(connection, share, { attempts: 1 });
      const existing = h.fake.seedPost(connection.xUserId, `${share.text} ${share.trackedUrl}`);
      const before = h.fake.count('tweets.create');

      const outcome = await h.t.app.get(PostToX).execute(postId);

      expect(outcome).toEqual({ result: 'adopted', xPostId: existing.id });
      expect(h.fake.count('tweets.create')).toBe(before);
      expect(await h.post(postId)).toMatchObject({ status: 'posted', xPostId: existing.id });
    });

    it('two runs of one post at once (a stalled job re-run): one posts, the other waits its turn', async () => {
      const { postId, trackedUrl } = await h.insertPost(connection);
      const sut = h.t.app.get(PostToX);
      const outcomes = await Promise.all([sut.execute(postId), sut.execute(postId)]);
      expect(outcomes.map((o) => o.result).sort()).toEqual(['posted', 'rescheduled']);
      expect(h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(trackedUrl))).toHaveLength(1);
    });

    it('429: waits until x-rate-limit-reset, then posts once', async () => {
      h.fake.fail('tweets.create', { type: 'rate-limit', resetInSeconds: 1 });
      const limitedBefore = h.fake.count('tweets.create', 429);
      const queuedAt = Date.now();
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);

      expect(post.status).toBe('posted');
      expect(h.fake.count('tweets.create', 429)).toBe(limitedBefore + 1);
      expect(Date.now() - queuedAt).toBeGreaterThanOrEqual(1000);
      expect(h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(queued.trackedUrl))).toHaveLength(1);
    });

    it('401: refreshes the token once (rotating the refresh token), then posts', async () => {
      const own = await h.connected(h.fake.addUser({ username: 'token_expired', followers: 5 }));
      h.fake.expireAccessTokens(own.xUserId);
      const tokenCalls = h.fake.count('token');
      const queued = await h.queue(own);
      const post = await h.settled(queued.postId);

      expect(post).toMatchObject({ status: 'posted', followerCount: 5 });
      expect(h.fake.count('token')).toBe(tokenCalls + 1);
      const after = await h.ds.getRepository(XConnection).findOneByOrFail({ id: own.id });
      expect(after.accessTokenEnc).not.toBe(own.accessTokenEnc);
      expect(after.refreshTokenEnc).not.toBe(own.refreshTokenEnc);
      expect(after.revokedAt).toBeNull();
    });

    it('an access token past its expiry is refreshed before calling X', async () => {
      const own = await h.connected(h.fake.addUser({ username: 'stale_token' }));
      await h.ds.getRepository(XConnection).update({ id: own.id }, { expiresAt: new Date(Date.now() - 1000) });
      const [tokenCalls, unauthorized] = [h.fake.count('token'), h.fake.count('users.me', 401)];
      const queued = await h.queue(own);
      expect((await h.settled(queued.postId)).status).toBe('posted');
      expect(h.fake.count('token')).toBe(tokenCalls + 1);
      expect(h.fake.count('users.me', 401)).toBe(unauthorized);
    });

    it('X refuses the refresh token (app revoked on X): fails the post and revokes the connection', async () => {
      const own = await h.connected(h.fake.addUser({ username: 'revoked_app' }));
      h.fake.expireAccessTokens(own.xUserId);
      h.fake.revokeRefreshTokens(own.xUserId);
      const queued = await h.queue(own);
      const post = await h.settled(queued.postId);
      expect(post).toMatchObject({ status: 'failed', lastError: 'x_auth_revoked', budgetMonth: null });
      expect((await h.ds.getRepository(XConnection).findOneByOrFail({ id: own.id })).revokedAt).not.toBeNull();
      expect(h.fake.postsBy(own.xUserId)).toHaveLength(0);
    });

    it('duplicate content with our post already on X: adopts it', async () => {
      const share = h.share();
      const { postId } = await h.insertPost(connection, share);
      const existing = h.fake.seedPost(connection.xUserId, `${share.text} ${share.trackedUrl}`);
      const outcome = await h.t.app.get(PostToX).execute(postId);
      expect(outcome).toEqual({ result: 'adopted', xPostId: existing.id });
      expect(h.fake.count('tweets.create', 403)).toBeGreaterThan(0);
    });

    it('duplicate content without our post on X: fails with a clear reason, no retry', async () => {
      h.fake.fail('tweets.create', { type: 'duplicate-content' });
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);
      expect(post).toMatchObject({ status: 'failed', lastError: 'duplicate_content', text: null, budgetMonth: null });
    });

    it('5xx: retried with backoff, posted once', async () => {
      h.fake.fail('tweets.create', { type: 'server-error' });
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);
      expect(post).toMatchObject({ status: 'posted', attempts: 2 });
      expect(h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(queued.trackedUrl))).toHaveLength(1);
    });

    it('budget spent: fails with reason budget and never calls X', async () => {
      const month = budgetMonth();
      const budgets = h.ds.getRepository(XPostBudget);
      const saved = await budgets.findOneBy({ month });
      await budgets.save({ month, used: BUDGET });
      try {
        const requests = h.fake.requests.length;
        const queued = await h.queue(connection);
        const post = await h.settled(queued.postId);
        expect(post).toMatchObject({ status: 'failed', lastError: 'budget' });
        expect(h.fake.requests.length).toBe(requests);
      } finally {
        await budgets.save({ month, used: saved?.used ?? 0 });
      }
    });

    it('counts every post against the month, and gives the slot back when X created nothing', async () => {
      const month = budgetMonth();
      const used = async () => (await h.ds.getRepository(XPostBudget).findOneBy({ month }))?.used ?? 0;
      const before = await used();
      await h.settled((await h.queue(connection)).postId);
      expect(await used()).toBe(before + 1);
      h.fake.fail('tweets.create', { type: 'duplicate-content' });
      await h.settled((await h.queue(connection)).postId);
      expect(await used()).toBe(before + 1);
    });
  });

  describe('withdrawal and metrics', () => {
    let connection: XConnection;
    beforeAll(async () => {
      connection = await h.connected(h.fake.addUser({ username: 'withdrawing', followers: 99 }));
    });

    it('deletes the post on X, once (idempotent), and audits it', async () => {
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);

      expect(await h.posts.delete(queued.shareId, { type: 'customer', id: connection.customerId })).toBe('deleted');
      expect(h.fake.tweets.get(post.xPostId!)!.deleted).toBe(true);
      expect(await h.post(post.id)).toMatchObject({ status: 'deleted', deletedAt: expect.any(Date) });
      expect(await h.posts.delete(queued.shareId)).toBe('already_deleted');
      expect(await h.posts.delete(randomUUID())).toBe('none');
      expect(await h.ds.getRepository(AuditEvent).findOneByOrFail({ action: 'x.delete', subjectId: post.id })).toMatchObject({
        actorType: 'customer',
        details: { shareId: queued.shareId, xPostId: post.xPostId },
      });
    });

    it('treats a post the customer already deleted on X (404) as deleted', async () => {
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);
      h.fake.tweets.get(post.xPostId!)!.deleted = true;
      expect(await h.posts.delete(queued.shareId)).toBe('deleted');
      expect(h.fake.count('tweets.delete', 404)).toBeGreaterThan(0);
    });

    it('cancels a post not made yet, and the job then posts nothing', async () => {
      const share = h.share();
      const { postId } = await h.insertPost(connection, share);
      expect(await h.posts.delete(share.shareId)).toBe('cancelled');
      expect(await h.t.app.get(PostToX).execute(postId)).toEqual({ result: 'skipped' });
      expect(h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(share.trackedUrl))).toHaveLength(0);
    });

    it('deletes through the job when queued with the withdrawal', async () => {
      const queued = await h.queue(connection);
      const post = await h.settled(queued.postId);
      await h.ds.transaction((m) => h.posts.queueDelete(m, queued.shareId));
      h.posts.kick();
      await waitFor(() => h.post(post.id), (p) => p.status === 'deleted', 'the delete job');
      expect(h.fake.tweets.get(post.xPostId!)!.deleted).toBe(true);
    });

    it('reads public metrics (impressions etc.) and reports posts gone from X', async () => {
      const a = await h.settled((await h.queue(connection)).postId);
      const b = await h.settled((await h.queue(connection)).postId);
      h.fake.setMetrics(a.xPostId!, { impression_count: 321, like_count: 12, retweet_count: 3, reply_count: 2, quote_count: 1, bookmark_count: 4 });
      h.fake.tweets.get(b.xPostId!)!.deleted = true;

      const result = await h.posts.metrics([a.id, b.id]);

      expect(result.metrics).toEqual([
        { postId: a.id, shareId: a.shareId, xPostId: a.xPostId, impressions: 321, likes: 12, reposts: 3, replies: 2, quotes: 1, bookmarks: 4 },
      ]);
      expect(result.gone).toEqual([b.id]);
      expect(result.unavailable).toEqual([]);
      expect(await h.posts.metrics([])).toEqual({ metrics: [], gone: [], unavailable: [] });
    });
  });

  describe('erasure', () => {
    const erase = async (customerId: string, deleteXPosts: boolean) => {
      const { email } = await h.ds.getRepository(Customer).findOneByOrFail({ id: customerId });
      return h.t.app.get(EraseCustomer).execute(cliActor('test'), { email: email!, deleteXPosts });
    };
    const row = (id: string) => h.ds.getRepository(XConnection).findOneByOrFail({ id });
    const stored = async (id: string) => JSON.stringify(await h.ds.query('SELECT * FROM x_connection WHERE id = $1', [id]));

    it('blanks the X account at once, deletes the posts with its tokens, then drops the tokens', async () => {
      const connection = await h.connected(h.fake.addUser({ username: 'erase_me_later', followers: 7 }));
      const post = await h.settled((await h.queue(connection)).postId);
      expect(await stored(connection.id)).toContain('erase_me_later');

      await erase(connection.customerId, true);
      expect(await row(connection.id)).toMatchObject({ xUserId: '', xUsername: '', followerCountAtConnect: null, revokedAt: expect.any(Date) });
      expect(await stored(connection.id)).not.toContain('erase_me_later');
      // The deletion ran with the account's tokens (without them X would have refused it), and then they went.
      await waitFor(() => h.post(post.id), (p) => p.status === 'deleted', 'the delete job');
      expect(h.fake.tweets.get(post.xPostId!)!.deleted).toBe(true);
      await waitFor(() => row(connection.id), (c) => c.accessTokenEnc === '' && c.refreshTokenEnc === null, 'the tokens to go');
      expect(await h.posts.delete(post.shareId)).toBe('already_deleted');
      // The post still counts as made (reports), through a row with nothing personal left.
      expect(await h.ds.getRepository(XPost).countBy({ connectionId: connection.id })).toBe(1);
    });

    it('drops the tokens at once when the posts stay on X, and reads no more metrics with them', async () => {
      const connection = await h.connected(h.fake.addUser({ username: 'erase_me_now', followers: 8 }));
      const post = await h.settled((await h.queue(connection)).postId);

      await erase(connection.customerId, false);
      expect(await row(connection.id)).toMatchObject({ xUserId: '', xUsername: '', accessTokenEnc: '', refreshTokenEnc: null, revokedAt: expect.any(Date) });
      expect(h.fake.tweets.get(post.xPostId!)!.deleted).toBeFalsy();
      expect(await h.posts.metrics([post.id])).toEqual({ metrics: [], gone: [], unavailable: [post.id] });
    });
  });

  it('never logs tokens, codes or the posted text', () => {
    const logged = h.logs.lines.join('\n');
    expect(logged).toContain('posted to X'); // the capture works
    for (const secret of h.fake.issuedSecrets()) expect(logged).not.toContain(secret);
    for (const text of h.texts) expect(logged).not.toContain(text);
    expect(logged).not.toContain(CLIENT.clientSecret);
  });
});

describe('X sharing on SQLite with in-process jobs (the default)', () => {
  const h = new XHarness();
  beforeAll(() => h.start({ dialect: 'sqlite' }));
  afterAll(() => h.stop());

  it('connects, posts once, survives a crash after posting, and deletes', async () => {
    const connection = await h.connected();
    const first = await h.settled((await h.queue(connection)).postId);
    expect(first).toMatchObject({ status: 'posted', followerCount: 1234 });

    h.fake.fail('tweets.create', { type: 'crash-after-post' });
    const queued = await h.queue(connection);
    const second = await h.settled(queued.postId);
    const onX = h.fake.postsBy(connection.xUserId).filter((t) => t.postedText.includes(queued.trackedUrl));
    expect(onX.map((t) => t.id)).toEqual([second.xPostId]);

    expect(await h.posts.delete(queued.shareId)).toBe('deleted');
    expect(h.fake.tweets.get(second.xPostId!)!.deleted).toBe(true);
  });
});

describe('X not configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
  });
  afterAll(() => t.close());

  it('reports the feature off and refuses to start or queue', async () => {
    const posts = t.app.get(XPostService);
    expect(posts.enabled).toBe(false);
    expect(t.app.get(XOAuthService).enabled).toBe(false);
    await expect(t.app.get(XOAuthService).start({ customerId: randomUUID(), returnTo: '/i/x' })).rejects.toThrow(XNotConfiguredError);
    const share = { shareId: randomUUID(), connectionId: randomUUID(), text: 'x', trackedUrl: `${PUBLIC_URL}/r/x` };
    await expect(t.app.get(DataSource).transaction((m) => posts.queue(m, share))).rejects.toThrow(XNotConfiguredError);
  });

  it('answers the callback with a friendly page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/auth/x/callback?state=abc&code=def' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Posting to X is not available');
  });
});
