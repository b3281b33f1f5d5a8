import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { cliActor } from '../src/common/actor';
import { Customer } from '../src/customers/customer.entity';
import { FeedbackResponse } from '../src/feedback/feedback-response.entity';
import { LocationsService } from '../src/locations/locations.service';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { SharesService } from '../src/sharing/shares.service';
import { XConnection } from '../src/sharing/x/x-connection.entity';
import { XPostMetricsSnapshot } from '../src/sharing/x/x-post-metrics.entity';
import { XPost } from '../src/sharing/x/x-post.entity';
import { UsersService } from '../src/users/users.service';
import { insertShare } from './factories/shares';
import { createTestApp, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';

const DAY = 86_400_000;
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Reach reports: every figure equals a count made here, independently, from the raw click events and the
 * tables; dealers see their own locations only (and a shared campaign only through them).
 */
describe.each(['postgres', 'sqlite'] as const)('reach reports on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  const setup = cliActor('test');
  const headers: Record<string, Record<string, string>> = {};
  const ids: Record<string, string> = {};
  const today = Date.parse(`${day(Date.now())}T12:00:00Z`);
  const range = { from: day(today - 29 * DAY), to: day(today) };
  const previous = { from: day(today - 59 * DAY), to: day(today - 30 * DAY) };

  const get = (url: string, who: 'admin' | 'dealer') => t.app.inject({ method: 'GET', url, headers: headers[who] });

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    const locations = t.app.get(LocationsService);
    ids.A = (await locations.create(setup, { code: 'RPT-A', name: '=Northside Motors' })).id;
    ids.B = (await locations.create(setup, { code: 'RPT-B', name: 'Southside Motors' })).id;
    ids.E = (await locations.create(setup, { code: 'RPT-E', name: 'Empty Motors' })).id;
    const users = t.app.get(UsersService);
    await users.create(setup, { email: 'admin@reports.example', role: 'admin', password: 'admin-password-1' });
    await users.create(setup, { email: 'dealer@reports.example', role: 'dealer', locationCodes: ['RPT-A', 'RPT-E'], password: 'dealer-password-1' });
    for (const [who, password] of [['admin', 'admin-password-1'], ['dealer', 'dealer-password-1']]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: `${who}@reports.example`, password } });
      headers[who] = { authorization: `Bearer ${res.json().accessToken}` };
    }
    const campaign = await t.app.get(CampaignsService).create(setup, { name: 'Spring', locations: ['RPT-A', 'RPT-B'] });
    ids.campaign = campaign.id;

    // Feedback: at A, 5 responses in the range (3 promoters, 1 detractor; two touchpoints), 1 in the previous period; 2 at B.
    let seq = 0;
    const respond = async (locationId: string, score: number, at: number, touchpoint: string | null) => {
      const customer = await db.getRepository(Customer).save({ email: `c${seq}-${randomUUID().slice(0, 6)}@example.com`, name: 'Cust' });
      await db.getRepository(FeedbackResponse).insert({
        responseId: `r-${dialect}-${seq}`, customerId: customer.id, locationId, score,
        segment: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor', respondedAt: new Date(at), importSeq: String(++seq), touchpoint,
      });
    };
    for (const [score, ago, tp] of [[10, 1, 'sales'], [9, 3, 'sales'], [9, 5, 'service'], [7, 6, 'service'], [3, 8, null], [10, 40, 'sales']] as const) {
      await respond(ids.A, score, today - ago * DAY, tp);
    }
    // A customer who answered twice in the range counts once among the customers who gave feedback.
    const [again] = await db.getRepository(FeedbackResponse).find({ where: { locationId: ids.A }, order: { importSeq: 'ASC' }, take: 1 });
    await db.getRepository(FeedbackResponse).insert({
      responseId: `r-${dialect}-again`, customerId: again.customerId, locationId: ids.A, score: 8, segment: 'passive',
      respondedAt: new Date(today - 2 * DAY), importSeq: String(++seq), touchpoint: null,
    });
    await respond(ids.B, 10, today - 2 * DAY, null);
    await respond(ids.B, 2, today - 2 * DAY, null);

    // Recommendations: two at A (one later withdrawn), one at B, all in the Spring campaign; one at A 35 days ago.
    const shares = t.app.get(SharesService);
    const recommend = async (locationId: string, ago: number, channels: ('x' | 'facebook' | 'whatsapp')[]) => {
      const r = await insertShare(db, { locationId, approvedAt: new Date(today - ago * DAY), campaignId: ids.campaign, channel: 'copy' });
      const links = await db.transaction((m) => shares.create(m, { id: r.recommendationId, locationId, campaignId: ids.campaign }, channels));
      const linkIds = await db.query(`SELECT id, channel FROM tracked_link WHERE share_id ${dialect === 'postgres' ? '= ANY($1::uuid[])' : `IN (${links.map(() => '?').join(',')})`}`,
        dialect === 'postgres' ? [links.map((l) => l.shareId)] : links.map((l) => l.shareId));
      return { ...r, links: Object.fromEntries((linkIds as { id: string; channel: string }[]).map((l) => [l.channel, l.id])) };
    };
    const a1 = await recommend(ids.A, 4, ['x', 'facebook']);
    const a2 = await recommend(ids.A, 2, ['whatsapp']);
    const b1 = await recommend(ids.B, 3, ['x']);
    const old = await recommend(ids.A, 35, ['x']);
    ids.a1 = a1.recommendationId;
    ids.a2 = a2.recommendationId;
    await db.getRepository(Recommendation).update({ id: a2.recommendationId }, { withdrawnAt: new Date() });

    // Clicks through the real writer: humans (some returning), bots, in and before the range.
    const recorder = t.app.get(ClickRecorder);
    const human = (n: number) => ({ ip: `203.0.113.${n}`, userAgent: PHONE, bot: false });
    const bot = { ip: '192.0.2.1', userAgent: 'Twitterbot/1.0', bot: true };
    const click = (link: string, visit: object, ago: number) => recorder.record(link, visit as never, new Date(today - ago * DAY));
    for (const n of [1, 2, 3, 1]) click(a1.links.x, human(n), 3);
    click(a1.links.x, human(1), 2);
    click(a1.links.x, bot, 3);
    for (const n of [4, 5]) click(a1.links.facebook, human(n), 1);
    click(a2.links.whatsapp, human(6), 1);
    click(b1.links.x, human(7), 2);
    click(b1.links.x, bot, 2);
    click(old.links.x, human(8), 40);
    click(old.links.x, human(9), 10);
    await recorder.flush();
  }, 120_000);
  afterAll(() => t?.close());

  /** The same figures counted from the raw events and tables, for some locations (`null`: links without one). */
  async function independent(locationIds: (string | null)[], r: { from: string; to: string }) {
    const start = new Date(`${r.from}T00:00:00Z`).getTime();
    const end = new Date(`${r.to}T00:00:00Z`).getTime() + DAY;
    const clicks = (await db.query(
      `SELECT e.link_id, e.occurred_at, e.visitor_hash, e.is_bot, l.location_id, l.channel FROM click_event e JOIN tracked_link l ON l.id = e.link_id`,
    )) as { link_id: string; occurred_at: string | Date; visitor_hash: string; is_bot: unknown; location_id: string | null; channel: string }[];
    const at = (v: string | Date) => (v instanceof Date ? v.getTime() : Date.parse(`${String(v).replace(' ', 'T')}Z`));
    const inScope = clicks.filter((c) => locationIds.includes(c.location_id) && at(c.occurred_at) >= start && at(c.occurred_at) < end);
    const humans = inScope.filter((c) => !(c.is_bot === true || c.is_bot === 1));
    const visitors = new Set(humans.map((c) => `${c.link_id}|${day(at(c.occurred_at))}|${c.visitor_hash}`));
    const responses = (await db.getRepository(FeedbackResponse).find()).filter((f) => locationIds.includes(f.locationId) && f.respondedAt.getTime() >= start && f.respondedAt.getTime() < end);
    const recs = (await db.getRepository(Recommendation).find()).filter((x) => locationIds.includes(x.locationId) && x.approvedAt.getTime() >= start && x.approvedAt.getTime() < end);
    const byChannel: Record<string, number> = {};
    for (const key of visitors) {
      const link = key.split('|')[0];
      const channel = clicks.find((c) => c.link_id === link)!.channel;
      byChannel[channel] = (byChannel[channel] ?? 0) + 1;
    }
    return {
      reach: { humanClicks: humans.length, uniqueVisitors: visitors.size, botHits: inScope.length - humans.length },
      responses: responses.length,
      promoters: responses.filter((f) => f.segment === 'promoter').length,
      approved: recs.length,
      shared: new Set(humans.map((c) => c.link_id)).size,
      advocates: recs.filter((x) => !x.withdrawnAt && !x.hiddenAt && !x.erasedAt).map((x) => x.id).sort(),
      byChannel,
    };
  }

  it('a location report equals counts made from the raw events and tables, with the previous period', async () => {
    const res = await get(`/api/reports/locations/rpt-a?from=${range.from}&to=${range.to}&compare=previous`, 'admin');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    const expected = await independent([ids.A], range);
    expect(report.reach).toEqual({ ...expected.reach, xImpressions: 0, estimatedAudience: 0 });
    expect(report.funnel).toMatchObject({ responses: expected.responses, promoters: expected.promoters, approved: expected.approved, shared: expected.shared, humanClicks: expected.reach.humanClicks });
    expect(report.funnel.invited).toBe(3); // every invitation made by the factory today: a1, a2, old (all at A)
    expect(report.advocates.map((a: { recommendationId: string }) => a.recommendationId).sort()).toEqual(expected.advocates);
    expect(report.advocates.map((a: { recommendationId: string }) => a.recommendationId)).not.toContain(ids.a2); // withdrawn
    expect(Object.fromEntries(report.byChannel.map((c: { channel: string; uniqueVisitors: number }) => [c.channel, c.uniqueVisitors]))).toEqual(expected.byChannel);
    expect(report.byTouchpoint).toEqual(expect.arrayContaining([
      expect.objectContaining({ touchpoint: 'sales', responses: 2, promoters: 2 }),
      expect.objectContaining({ touchpoint: 'service', responses: 2, promoters: 1 }),
    ]));
    // The day series adds up to the totals.
    expect(report.series.interval).toBe('day');
    expect(report.series.points).toHaveLength(30);
    expect(report.series.points.reduce((s: number, p: { visitors: number }) => s + p.visitors, 0)).toBe(expected.reach.uniqueVisitors);
    const before = await independent([ids.A], previous);
    expect(report.previous.reach).toMatchObject(before.reach);
    expect(report.previous.funnel).toMatchObject({ responses: before.responses, approved: before.approved });
    expect(report.headline.text).toContain(`Last 30 days at =Northside Motors: ${new Set((await db.getRepository(FeedbackResponse).find()).filter((f) => f.locationId === ids.A && f.respondedAt.getTime() >= Date.parse(range.from)).map((f) => f.customerId)).size} customers gave feedback`);
    expect(report.headline.text).toContain('(measured); their X followers number 0 (estimated audience)');
    // NPS to one decimal, the same figure the NPS page and API give for the location and range (3 promoters and
    // 1 detractor of 6 responses: 33.3, not 33).
    expect(report.nps).toBe(33.3);
    expect((await get(`/api/nps?location=RPT-A&from=${range.from}&to=${range.to}`, 'admin')).json().nps).toBe(report.nps);
  });

  it('a year report goes per week and still adds up', async () => {
    const report = (await get('/api/reports/locations/RPT-A?days=365', 'admin')).json();
    expect(report.series.interval).toBe('week');
    const expected = await independent([ids.A], { from: report.from, to: report.to });
    expect(report.reach).toMatchObject(expected.reach);
    // Whole months come from the monthly rollup, the days at either end from the daily one: together, every click once.
    expect(Object.fromEntries(report.byChannel.map((c: { channel: string; uniqueVisitors: number }) => [c.channel, c.uniqueVisitors]))).toEqual(expected.byChannel);
    expect(report.byCampaign.reduce((n: number, c: { uniqueVisitors: number }) => n + c.uniqueVisitors, 0)).toBe(expected.reach.uniqueVisitors);
    expect(report.series.points.reduce((s: number, p: { visitors: number }) => s + p.visitors, 0)).toBe(expected.reach.uniqueVisitors);
  });

  it("a dealer's report covers their locations only, and a shared campaign only through them", async () => {
    const mine = (await get(`/api/reports/dealer?from=${range.from}&to=${range.to}`, 'dealer')).json();
    const expected = await independent([ids.A, ids.E], range);
    expect(mine.reach).toMatchObject(expected.reach);
    expect(mine.byLocation.map((l: { code: string }) => l.code).sort()).toEqual(['RPT-A', 'RPT-E']);
    // Every cut of the one read of the rollups adds up to the same figures, location by location.
    const a = await independent([ids.A], range);
    const byCode = Object.fromEntries(mine.byLocation.map((l: { code: string; uniqueVisitors: number; responses: number; advocates: number }) => [l.code, l]));
    expect(byCode['RPT-A']).toMatchObject({ uniqueVisitors: a.reach.uniqueVisitors, responses: a.responses, advocates: a.approved });
    expect(byCode['RPT-E'].uniqueVisitors).toBe(expected.reach.uniqueVisitors - a.reach.uniqueVisitors);
    expect(mine.byCampaign.reduce((n: number, c: { uniqueVisitors: number }) => n + c.uniqueVisitors, 0)).toBe(expected.reach.uniqueVisitors);
    expect(mine.byChannel.reduce((n: number, c: { shares: number }) => n + c.shares, 0)).toBe(expected.shared);
    expect(mine.byTouchpoint.reduce((n: number, c: { responses: number }) => n + c.responses, 0)).toBe(expected.responses);
    const all = (await get(`/api/reports/dealer?from=${range.from}&to=${range.to}`, 'admin')).json();
    expect(all.reach).toMatchObject((await independent([ids.A, ids.B, ids.E], range)).reach);

    const campaign = (await get(`/api/reports/campaigns/${ids.campaign}?from=${range.from}&to=${range.to}`, 'dealer')).json();
    expect(campaign.reach).toMatchObject(expected.reach);
    expect(campaign.funnel.approved).toBe(expected.approved);
    // A campaign's cuts come from one grouping of its links' rows: each adds up to the same figures.
    const visitorsOf = (cuts: { uniqueVisitors: number }[]) => cuts.reduce((n, c) => n + c.uniqueVisitors, 0);
    expect(Object.fromEntries(campaign.byChannel.map((c: { channel: string; uniqueVisitors: number }) => [c.channel, c.uniqueVisitors]))).toEqual(expected.byChannel);
    expect(campaign.byCampaign.map((c: { uniqueVisitors: number }) => c.uniqueVisitors)).toEqual([expected.reach.uniqueVisitors]);
    expect(visitorsOf(campaign.byLocation)).toBe(expected.reach.uniqueVisitors);
    expect(campaign.series.points.reduce((s: number, p: { visitors: number }) => s + p.visitors, 0)).toBe(expected.reach.uniqueVisitors);
    const whole = (await get(`/api/reports/campaigns/${ids.campaign}?from=${range.from}&to=${range.to}`, 'admin')).json();
    expect(whole.reach).toMatchObject((await independent([ids.A, ids.B], range)).reach);

    expect((await get(`/api/reports/locations/RPT-B`, 'dealer')).statusCode).toBe(404);
    expect((await get(`/api/reports/dealer?location=RPT-B`, 'dealer')).statusCode).toBe(404);
    expect((await get(`/api/reports/campaigns/${randomUUID()}`, 'dealer')).statusCode).toBe(404);
  });

  it('answers CSV with what the page shows, formula-safe', async () => {
    const res = await get(`/api/reports/locations/RPT-A?from=${range.from}&to=${range.to}&compare=previous&format=csv`, 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const expected = await independent([ids.A], range);
    expect(res.body).toContain(`funnel,Responses,${expected.responses},`);
    expect(res.body).toContain(`reach,Unique visitors (measured),${expected.reach.uniqueVisitors},`);
    expect(res.body).toContain("report,scope,'=Northside Motors");
    expect(res.body).not.toMatch(/^[^,]*,[^,]*,=/m);
  });

  it('refuses a range that makes no sense', async () => {
    expect((await get('/api/reports/dealer?from=2026-03-01&to=2026-02-01', 'admin')).statusCode).toBe(400);
    expect((await get('/api/reports/dealer?from=2026-02-30', 'admin')).statusCode).toBe(400);
    expect((await get('/api/reports/dealer?days=12', 'admin')).statusCode).toBe(400);
  });

  it('renders the pages: numbers, chart with title and table, empty states, 404 for another location', async () => {
    const browser = new FormBrowser(t.app);
    const signIn = await browser.signIn('dealer@reports.example', 'dealer-password-1');
    expect(signIn.headers.location).toBe('/dashboard/reports');
    const page = await browser.get('/dashboard/reports?days=30');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Report: your 2 locations');
    expect(page.body).toMatch(/<svg[^>]*role="img"/);
    expect(page.body).toContain('<title id="chart-title">');
    const unescaped = page.body.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(unescaped).toContain('href="/api/reports/dealer?days=30&compare=previous&format=csv"');
    expect(page.body).not.toContain(`/p/${ids.a2}`);
    expect(page.body).toContain(`/p/${ids.a1}`);
    const empty = await browser.get('/dashboard/reports/locations/RPT-E');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('No shares yet: launch a campaign');
    expect((await browser.get('/dashboard/reports/locations/RPT-B')).statusCode).toBe(404);
    expect((await browser.get('/dashboard/reports?from=2026-05-01&to=2026-04-01')).statusCode).toBe(400);
  });
  it('shows X impressions read in the range (measured) and the followers at posting (estimated audience) apart', async () => {
    const location = await t.app.get(LocationsService).create(setup, { code: 'RPT-X', name: 'X Motors' });
    const customerId = randomUUID();
    await db.getRepository(Customer).insert({ id: customerId, email: `x-${customerId}@example.com`, name: 'Ana Silva' });
    const connection = await db.getRepository(XConnection).save({
      customerId, xUserId: '42', xUsername: 'ana', accessTokenEnc: 'unused', scopes: 'tweet.read', expiresAt: new Date(),
    });
    // Two posts: one 3 days ago (500 followers; reads of 120 then 30 more), one 45 days ago (900 followers; a read 40 days ago).
    const post = async (ago: number, followers: number, reads: [string, number, number][]) => {
      const { shareId } = await insertShare(db, { customerId, locationId: location.id, channel: 'x_post', approvedAt: new Date(today - ago * DAY) });
      const saved = await db.getRepository(XPost).save({
        shareId, connectionId: connection.id, status: 'posted', textHash: '0'.repeat(64), trackedUrl: 'https://example.com/r/x',
        xPostId: String(1000 + ago), postedAt: new Date(today - ago * DAY), followerCount: followers, attempts: 1,
      });
      for (const [milestone, readAgo, gain] of reads) {
        await db.getRepository(XPostMetricsSnapshot).insert({
          id: randomUUID(), postId: saved.id, shareId, milestone: milestone as never, state: 'read', dueAt: new Date(today - readAgo * DAY),
          readAt: new Date(today - readAgo * DAY), day: day(today - readAgo * DAY), impressions: gain, impressionsGain: gain, followerCount: followers,
        });
      }
    };
    await post(3, 500, [['1h', 3, 120], ['1d', 2, 30]]);
    await post(45, 900, [['30d', 40, 75]]);
    const report = (await get(`/api/reports/locations/RPT-X?from=${range.from}&to=${range.to}&compare=previous`, 'admin')).json();
    expect(report.reach).toMatchObject({ xImpressions: 150, estimatedAudience: 500 });
    expect(report.previous.reach).toMatchObject({ xImpressions: 75, estimatedAudience: 900 });
    // An X post made through Goodword is shared when it is made, visited or not: in either period.
    expect(report.funnel.shared).toBe(1);
    expect(report.previous.funnel.shared).toBe(1);
    expect(report.byChannel).toEqual([]);
    const other = (await get(`/api/reports/locations/RPT-A?from=${range.from}&to=${range.to}`, 'admin')).json();
    expect(other.reach).toMatchObject({ xImpressions: 0, estimatedAudience: 0 });
  });

  it("counts the links without a location in all locations' reach, over whole months too", async () => {
    // Links made outside a share (or whose location went) have none: only the per-link rollup holds their clicks.
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/unlocated', channel: 'x', campaignId: ids.campaign }));
    const recorder = t.app.get(ClickRecorder);
    for (const [n, ago] of [[11, 2], [12, 2], [11, 70], [13, 200], [12, 200]]) {
      recorder.record(link.id, { ip: `203.0.113.${n}`, userAgent: PHONE, bot: false }, new Date(today - ago * DAY));
    }
    recorder.record(link.id, { ip: '192.0.2.1', userAgent: 'Twitterbot/1.0', bot: true }, new Date(today - 70 * DAY));
    await recorder.flush();
    const everywhere = [...(await db.query('SELECT id FROM location')).map((l: { id: string }) => l.id), null];
    for (const days of ['30', '365']) {
      const report = (await get(`/api/reports/dealer?days=${days}`, 'admin')).json();
      const expected = await independent(everywhere, { from: report.from, to: report.to });
      expect(report.reach).toMatchObject(expected.reach);
      expect(report.series.points.reduce((n: number, p: { visitors: number }) => n + p.visitors, 0)).toBe(expected.reach.uniqueVisitors);
      // Every link here is in the campaign: its cut, and the channels', add up to the total.
      expect(report.byCampaign.reduce((n: number, c: { uniqueVisitors: number }) => n + c.uniqueVisitors, 0)).toBe(expected.reach.uniqueVisitors);
      expect(Object.fromEntries(report.byChannel.map((c: { channel: string; uniqueVisitors: number }) => [c.channel, c.uniqueVisitors]))).toEqual(expected.byChannel);
      const located = await independent(everywhere.filter((id) => id !== null), { from: report.from, to: report.to });
      expect(expected.reach.humanClicks - located.reach.humanClicks).toBe(days === '30' ? 2 : 5);
    }
  });
});
