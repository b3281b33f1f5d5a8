import { DataSource } from 'typeorm';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { ClicksRepository } from '../src/reach/clicks.repository';
import { ClickEvent } from '../src/reach/click-event.entity';
import { RawClickRetention } from '../src/reach/raw-click-retention';
import { ReachDaily, ReachLocationDaily, ReachLocationMonthly } from '../src/reach/reach-daily.entity';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { DAY_MS, utcDay } from '../src/reach/visitor-salts.service';
import { insertShare } from './factories/shares';
import { runCli } from './support/processes';
import { createTestApp, TestApp } from './support/app';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

describe.each(['postgres', 'sqlite'] as const)('daily reach rollups on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let recorder: ClickRecorder;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    recorder = t.app.get(ClickRecorder);
  });
  afterAll(() => t.close());

  const rollups = () => db.getRepository(ReachDaily).find({ order: { day: 'ASC', linkId: 'ASC' } });
  /** Rows in one order whatever the database's collation. */
  const sorted = (rows: unknown[][]) => rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const locationRollups = async () =>
    sorted((await db.getRepository(ReachLocationDaily).find()).map((r) => [r.locationId, r.day, r.humanClicks, r.uniqueVisitors, r.botHits]));
  const monthlyRollups = async () =>
    sorted((await db.getRepository(ReachLocationMonthly).find()).map((r) => [r.locationId, r.month, r.channel, r.campaignId, r.humanClicks, r.uniqueVisitors, r.botHits]));
  /** The per-location rollups as they must be: the per-link one added up per location and day, or per location, month, channel and campaign. */
  const linkRollupsByLocation = async (monthly = false) => {
    const sums = new Map<string, number[]>();
    for (const r of await rollups()) {
      if (!r.locationId) continue;
      const key = monthly ? [r.locationId, r.day.slice(0, 7), r.channel ?? '', r.campaignId ?? ''].join('|') : `${r.locationId}|${r.day}`;
      const row = sums.get(key) ?? [0, 0, 0];
      sums.set(key, [row[0] + r.humanClicks, row[1] + r.uniqueVisitors, row[2] + r.botHits]);
    }
    return sorted([...sums].map(([key, figures]) => [...key.split('|'), ...figures]));
  };
  const today = Date.parse(`${utcDay(Date.now())}T12:00:00Z`);
  const yesterday = new Date(today - DAY_MS);
  const [dayBefore, dayOf] = [utcDay(today - DAY_MS), utcDay(today)];

  it('counts human clicks, unique visitors and bot hits per link and day, exactly across batches', async () => {
    const { shareId, campaignId, recommendationId, locationId } = await insertShare(db, { channel: 'x' });
    const [a, b] = await db.transaction(async (m) => {
      const links = t.app.get(TrackedLinksService);
      return [
        await links.create(m, { targetPath: '/p/a', shareId, locationId, channel: 'x', campaignId, recommendationId }),
        await links.create(m, { targetPath: '/p/b' }),
      ];
    });
    const person = (ip: string) => ({ ip, userAgent: PHONE, bot: false });
    const bot = { ip: '192.0.2.1', userAgent: 'Twitterbot/1.0', bot: true };
    // Three flushes: the same visitor comes back in a later batch and is still one unique visitor.
    recorder.record(a.id, person('203.0.113.1'), new Date(today));
    recorder.record(a.id, person('203.0.113.1'), new Date(today));
    recorder.record(a.id, bot, new Date(today));
    await recorder.flush();
    recorder.record(a.id, person('203.0.113.1'), new Date(today));
    recorder.record(a.id, person('203.0.113.2'), new Date(today));
    recorder.record(b.id, person('203.0.113.1'), new Date(today));
    recorder.record(a.id, person('203.0.113.1'), yesterday);
    await recorder.flush();
    recorder.record(b.id, bot, yesterday);
    await recorder.flush();

    const figures = (await rollups()).map((r) => [r.day, r.linkId, r.shareId, r.humanClicks, r.uniqueVisitors, r.botHits]);
    expect(figures).toEqual(expect.arrayContaining([
      [dayBefore, a.id, shareId, 1, 1, 0],
      [dayBefore, b.id, null, 0, 0, 1],
      [dayOf, a.id, shareId, 4, 2, 1],
      [dayOf, b.id, null, 1, 1, 0],
    ]));
    // What reports group by is copied from the link at write time (and kept by reach:rebuild, below).
    const dims = (await rollups()).map((r) => [r.linkId, r.locationId, r.channel, r.campaignId, r.recommendationId]);
    expect(dims).toEqual(expect.arrayContaining([
      [a.id, locationId, 'x', campaignId, recommendationId],
      [b.id, null, null, null, null],
    ]));
    expect(figures).toHaveLength(4);
    // Per location and day: the located link's figures (the link without a location is in no location's row).
    expect(await locationRollups()).toEqual([
      [locationId, dayBefore, 1, 1, 0],
      [locationId, dayOf, 4, 2, 1],
    ]);
    expect(await monthlyRollups()).toEqual(await linkRollupsByLocation(true));
    expect((await monthlyRollups()).every(([, , channel, campaign]) => channel === 'x' && campaign === campaignId)).toBe(true);
  });

  it('reach:rebuild recomputes the same figures from the raw events', async () => {
    const live = await rollups();
    const liveByLocation = await locationRollups();
    const liveByMonth = await monthlyRollups();
    expect(live.length).toBeGreaterThan(0);
    expect(liveByLocation).toEqual(await linkRollupsByLocation());
    expect(liveByMonth).toEqual(await linkRollupsByLocation(true));
    await db.query(`UPDATE reach_daily SET human_clicks = 99, unique_visitors = 99, bot_hits = 99, channel = NULL, campaign_id = NULL`);
    await db.query(`UPDATE reach_location_daily SET human_clicks = 99, unique_visitors = 99, bot_hits = 99`);
    await db.query(`UPDATE reach_location_monthly SET human_clicks = 99, unique_visitors = 99, bot_hits = 99`);
    await db.query(`DELETE FROM reach_visitor_day`);

    const result = await runCli(['reach:rebuild', '--from', dayBefore, '--to', dayOf], t.config, 60_000);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`reach rollups rebuilt for ${dayBefore} to ${dayOf}: ${live.length} link-days`);
    expect(await rollups()).toEqual(live);
    expect(await locationRollups()).toEqual(liveByLocation);
    expect(await monthlyRollups()).toEqual(liveByMonth);

    // The visitor sets are back too: a returning visitor after the rebuild is not counted again.
    const [link] = live.filter((r) => r.day === dayOf && r.humanClicks === 4);
    recorder.record(link.linkId, { ip: '203.0.113.2', userAgent: PHONE, bot: false }, new Date(today));
    await recorder.flush();
    const after = await db.getRepository(ReachDaily).findOneByOrFail({ day: dayOf, linkId: link.linkId });
    expect([after.humanClicks, after.uniqueVisitors]).toEqual([5, 2]);
    expect(await t.app.get(ClicksRepository).rebuild(dayOf, dayOf)).toBe(2);
    expect(await db.getRepository(ReachDaily).findOneByOrFail({ day: dayOf, linkId: link.linkId })).toEqual(after);
    expect(await locationRollups()).toEqual(await linkRollupsByLocation());
    expect(await monthlyRollups()).toEqual(await linkRollupsByLocation(true));
  });

  it('reach:rebuild refuses a malformed date', async () => {
    const result = await runCli(['reach:rebuild', '--from', '2026-13-45', '--to', dayOf], t.config, 60_000);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('a date is YYYY-MM-DD');
  });

  it('deletes raw click events older than rawClickRetentionDays (default 90) every day, and keeps the rollups', async () => {
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/old' }));
    const visit = { ip: '203.0.113.50', userAgent: PHONE, bot: false };
    const old = today - 91 * DAY_MS;
    const kept = today - 89 * DAY_MS;
    recorder.record(link.id, visit, new Date(old));
    recorder.record(link.id, visit, new Date(kept));
    await recorder.flush();
    const before = await db.getRepository(ReachDaily).findBy({ linkId: link.id });
    expect(before).toHaveLength(2);

    expect(await t.app.get(RawClickRetention).run(today)).toBeGreaterThanOrEqual(1);
    const left = await db.getRepository(ClickEvent).findBy({ linkId: link.id });
    expect(left.map((c) => c.occurredAt.getTime())).toEqual([kept]);
    expect(await db.getRepository(ReachDaily).findBy({ linkId: link.id })).toEqual(expect.arrayContaining(before));
    const [{ n }] = await db.query(`SELECT COUNT(*) AS n FROM reach_visitor_day WHERE day < '${utcDay(today - 90 * DAY_MS)}'`);
    expect(Number(n)).toBe(0);
  });

  it('deletes every expired raw event in one run, more than one chunk of them, and says how many', async () => {
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/older' }));
    const old = new Date(today - 100 * DAY_MS);
    const clicks = Array.from({ length: 10_500 }, (_, i) => ({ linkId: link.id, occurredAt: old, visitorHash: String(i).padStart(32, '0'), isBot: false, referrerHost: null }));
    for (let i = 0; i < clicks.length; i += 2500) await t.app.get(ClicksRepository).insertMany(clicks.slice(i, i + 2500));
    const expired = async () => Number((await db.query(`SELECT COUNT(*) AS n FROM click_event WHERE link_id = '${link.id}'`))[0].n);
    expect(await expired()).toBe(10_500);
    expect(await t.app.get(RawClickRetention).run(today)).toBe(10_500);
    expect(await expired()).toBe(0);
  });

  it('stores each click as given: the time to the millisecond, the bot flag, and the referrer host even with characters the bulk format escapes', async () => {
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/copy' }));
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, ms));
    const hosts = [null, 'news.example.com', 'tab\there', 'back\\slash\\N', 'line\nbreak\rreturn', 'ünïcode.example', '\\N'];
    const given = hosts.map((referrerHost, i) => ({ linkId: link.id, occurredAt: at(i * 111), visitorHash: `${i}`.padStart(32, 'f'), isBot: i % 2 === 1, referrerHost }));
    await t.app.get(ClicksRepository).insertEntries([{ id: `${Date.now()}-7`, clicks: given }]);
    const stored = await db.getRepository(ClickEvent).find({ where: { linkId: link.id }, order: { occurredAt: 'ASC' } });
    expect(stored.map((e) => ({ linkId: e.linkId, occurredAt: e.occurredAt.toISOString(), visitorHash: e.visitorHash, isBot: e.isBot, referrerHost: e.referrerHost }))).toEqual(
      given.map((c) => ({ ...c, occurredAt: c.occurredAt.toISOString() })),
    );
  });

  it('two writers adding the same new visitors at once (two workers) wait for each other: no deadlock, each visitor counted once', async () => {
    const clicks = t.app.get(ClicksRepository);
    for (let round = 0; round < 3; round++) {
      const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: `/p/pair-${round}` }));
      const batch = Array.from({ length: clicks.maxBatch }, (_, i) => ({
        linkId: link.id,
        occurredAt: new Date(today),
        visitorHash: `v${round}-${i}`.padStart(32, '0'),
        isBot: false,
        referrerHost: null,
      }));
      // The same visitors in opposite orders: inserted in the order given, each writer would hold what the other needs next.
      await Promise.all([clicks.insertMany(batch), clicks.insertMany([...batch].reverse())]);
      const [row] = await db.getRepository(ReachDaily).findBy({ linkId: link.id, day: dayOf });
      expect([row.humanClicks, row.uniqueVisitors]).toEqual([2 * batch.length, batch.length]);
    }
  });

  it('keys click events with 64-bit ids and indexes tracked links by location (what reports filter on)', async () => {
    if (dialect === 'postgres') {
      const [{ data_type }] = await db.query(`SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'click_event' AND column_name = 'id'`);
      expect(data_type).toBe('bigint');
      await db.query(`SELECT setval('click_event_id_seq', 3000000000)`);
      const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/big' }));
      recorder.record(link.id, { ip: '203.0.113.77', userAgent: PHONE, bot: false });
      await recorder.flush();
      const [event] = await db.getRepository(ClickEvent).findBy({ linkId: link.id });
      expect(BigInt(event.id)).toBeGreaterThan(2n ** 31n);
    }
    const indexes: { name: string }[] = await db.query(
      dialect === 'postgres'
        ? `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'tracked_link'`
        : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tracked_link'`,
    );
    expect(indexes.map((i) => i.name)).toContain('ix_tracked_link_location');
  });
});
