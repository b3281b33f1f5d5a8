import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { XPost } from '../src/sharing/x/x-post.entity';
import { ALL_DAY, linkIn, pathOf, seedCustomers, seedLocation, sendsRecorded, staffHeader, waitFor } from './campaign-fixtures';
import { FakeXServer } from './fakes/x-api/fake-x-server';
import { createTestApp, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { TestSmtpServer } from './support/smtp-server';

const CLIENT = { clientId: 'goodword-test-client', clientSecret: 'goodword-test-secret' };
/** A real TLD, so X (and the fake) linkify the tracked links. */
const PUBLIC_URL = 'https://advocates.example.com';

/**
 * "Post it for me on X" from the advocate's share page, with the real twitter-api-v2 client against the
 * fake X API (PostgreSQL, BullMQ): connect with OAuth 2.0 PKCE, post once with the x_post share's own link,
 * survive a crash after X accepted the post, and delete the post when the customer withdraws.
 */
describe('posting to X from the advocate’s page (PostgreSQL, BullMQ)', () => {
  let fake: FakeXServer;
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;
  const links = new Map<string, { invite: string; preferences: string }>();

  beforeAll(async () => {
    fake = await FakeXServer.start(CLIENT);
    smtp = await TestSmtpServer.start();
    t = await createTestApp({
      dialect: 'postgres',
      redis: true,
      env: {
        SMTP_URL: `${smtp.url}?pool=false`,
        PUBLIC_URL,
        X_CLIENT_ID: CLIENT.clientId,
        X_CLIENT_SECRET: CLIENT.clientSecret,
        X_API_BASE: fake.url,
        X_MONTHLY_POST_BUDGET: '10',
      },
    });
    db = t.app.get(DataSource);
    const { headers } = await staffHeader(t.app, 'marketer');
    const location = await seedLocation(t.app, 'XDL-001', 'Harbour Motors');
    const people = ['ana', 'bob', 'cy'];
    await seedCustomers(db, people.map((p) => ({ email: `${p}@example.com`, name: `${p} Silva`, score: 10, consent: true, location, comment: 'Great' })));
    const campaign = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'X', sendingHours: ALL_DAY } })).json();
    await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/launch`, headers });
    const messages = await smtp.waitFor(people.length);
    await sendsRecorded(db);
    for (const message of messages) {
      links.set((message.parsed.to as { text: string }).text.split('@')[0], {
        invite: pathOf(linkIn(message.parsed.text!, 'i')),
        preferences: pathOf(linkIn(message.parsed.text!, 'preferences')),
      });
    }
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await fake?.close();
  });

  async function approved(who: string, text: string, channels: string[]) {
    const browser = new FormBrowser(t.app);
    const { invite } = links.get(who)!;
    await browser.get(invite);
    expect((await browser.post(`${invite}/approve`, { text, channels, confirm: 'yes' })).statusCode).toBe(303);
    const page = await browser.get(invite);
    return { browser, invite, page };
  }

  const trackedUrlOf = async (recommendationId: string, channel: string) => {
    const [row] = await db.query(
      `SELECT l.code FROM tracked_link l JOIN share s ON s.id = l.share_id WHERE s.recommendation_id = $1 AND s.channel = $2`,
      [recommendationId, channel],
    );
    return row ? `${PUBLIC_URL}/r/${row.code}` : null;
  };

  it('offers the button only when the customer chose X', async () => {
    const { page } = await approved('cy', 'Cy: lovely people.', ['whatsapp']);
    expect(page.body).not.toContain('Post it for me on X');
  });

  it('connects the account, then posts the approved text once with the x_post share’s own link; withdrawal deletes it', async () => {
    const text = 'Ana here: they fixed my car in a day. Recommended!';
    const { browser, invite, page } = await approved('ana', text, ['x', 'whatsapp']);
    expect(page.body).toContain('Post it for me on X');

    // No account yet: off to X's authorize page, and back through the fixed callback.
    const start = await browser.post(`${invite}/x`);
    expect(start.statusCode).toBe(303);
    const authorize = start.headers.location as string;
    expect(authorize.startsWith(fake.url)).toBe(true);
    const consent = fake.authorize(authorize);
    const back = await browser.get(consent.callbackPath);
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe(`${invite}?x=connected`);
    const connected = await browser.get(back.headers.location as string);
    expect(connected.body).toContain('Post it on X now');
    expect(connected.body).toContain('@happy_customer');
    expect(fake.postsBy(fake.defaultUser.id)).toHaveLength(0); // connecting alone posts nothing

    const queued = await browser.post(`${invite}/x`);
    expect(queued.headers.location).toBe(`${invite}?x=queued`);
    const rec = await db.getRepository(Recommendation).findOneByOrFail({ text });
    const post = (await waitFor(
      () => db.getRepository(XPost).findOne({ where: { status: 'posted' }, order: { createdAt: 'DESC' } }),
      'the post to be made',
    ))!;
    const xPostUrl = await trackedUrlOf(rec.id, 'x_post');
    expect(xPostUrl).not.toBeNull();
    expect(xPostUrl).not.toBe(await trackedUrlOf(rec.id, 'x')); // the intent link's own link is never in our post
    const [tweet] = fake.postsBy(fake.defaultUser.id);
    expect(tweet.postedText).toBe(`${text} ${xPostUrl}`);
    expect(post.xPostId).toBe(tweet.id);
    expect((await browser.get(invite)).body).toContain('see your post');

    // Asking again doesn't post again.
    await browser.post(`${invite}/x`);
    expect(fake.postsBy(fake.defaultUser.id)).toHaveLength(1);

    const prefs = new FormBrowser(t.app);
    const mine = await prefs.get(`${links.get('ana')!.preferences}/recommendations`);
    expect(mine.body).toContain('The post we made for you on X is deleted too.');
    const asked = await prefs.post(`${links.get('ana')!.preferences}/recommendations/${rec.id}/withdraw`);
    expect(asked.body).toContain('The post we made for you on X is deleted.');
    expect((await prefs.post(`${links.get('ana')!.preferences}/recommendations/${rec.id}/withdraw`, { confirm: 'yes' })).statusCode).toBe(303);
    await waitFor(() => fake.postsBy(fake.defaultUser.id).length === 0, 'the X post to be deleted');
    expect(await db.getRepository(AuditEvent).countBy({ action: 'recommendation.withdraw', subjectId: rec.id })).toBe(1);
  });

  it('a crash after X accepted the post: the retry finds it by its link, and X has exactly one', async () => {
    const user = fake.addUser({ username: 'bob_x', followers: 42 });
    const text = 'Bob: honest advice and a fair price.';
    const { browser, invite } = await approved('bob', text, ['x']);
    const start = await browser.post(`${invite}/x`);
    await browser.get(fake.authorize(start.headers.location as string, { user }).callbackPath);
    fake.fail('tweets.create', { type: 'crash-after-post', how: 'drop' });
    await browser.get(invite);
    await browser.post(`${invite}/x`);
    const rec = await db.getRepository(Recommendation).findOneByOrFail({ text });
    const shareUrl = await trackedUrlOf(rec.id, 'x_post');
    const post = await waitFor(async () => {
      const rows = await db.query(`SELECT p.status, p.follower_count FROM x_post p JOIN share s ON s.id = p.share_id WHERE s.recommendation_id = $1`, [rec.id]);
      return rows[0]?.status === 'posted' ? rows[0] : null;
    }, 'the post after the crash');
    expect(Number(post.follower_count)).toBe(42);
    const mine = fake.postsBy(user.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].postedText).toBe(`${text} ${shareUrl}`);
  });
});
