import { DataSource } from 'typeorm';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { ClicksRepository } from '../src/reach/clicks.repository';
import { ClickEvent } from '../src/reach/click-event.entity';
import { RawClickRetention } from '../src/reach/raw-click-retention';
import { ReachFold } from '../src/reach/reach-fold';
import { ReachDaily, ReachLocationMonthly } from '../src/reach/reach-daily.entity';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { DAY_MS, utcDay } from '../src/common/time/days';
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

  /**
   * The link-day rollups as reports see them: the view over the live and the closed days, added up per link and
   * day (a link-day has a row on each side after a late click).
   */
  const rollups = async (): Promise<ReachDaily[]> => {
    const dims = 'day, link_id, location_id, share_id, channel, campaign_id, recommendation_id';
    const rows: Record<string, string | number | null>[] = await db.query(
      `SELECT ${dims}, SUM(human_clicks) AS h, SUM(unique_visitors) AS u, SUM(bot_hits) AS b FROM reach_daily GROUP BY ${dims} ORDER BY day, link_id`,
    );
    return rows.map((r) => ({
      day: String(r.day), linkId: String(r.link_id), locationId: r.location_id as string | null, shareId: r.share_id as string | null,
      channel: r.channel as string | null, campaignId: r.campaign_id as string | null, recommendationId: r.recommendation_id as string | null,
      humanClicks: Number(r.h), uniqueVisitors: Number(r.u), botHits: Number(r.b),
    }));
  };
  const rollupOf = async (linkId: string, day: string) => (await rollups()).find((r) => r.linkId === linkId && r.day === day)!;
  /** Rows in one order whatever the database's collation. */
  const sorted = (rows: unknown[][]) => rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const locationRollups = async () =>
    sorted(
      ((await db.query(`SELECT location_id, day, SUM(human_clicks) AS h, SUM(unique_visitors) AS u, SUM(bot_hits) AS b FROM reach_location_daily GROUP BY location_id, day`)) as Record<string, string>[])
        .map((r) => [r.location_id, r.day, Number(r.h), Number(r.u), Number(r.b)]),
    );
  /** How many rows each physical table holds for these days (`live`, `closed`): where the fold put them. */
  const sides = async (table: 'reach_daily' | 'reach_location_daily', days: string[], of = 'true') => {
    const count = async (side: string) =>
      Number((await db.query(`SELECT COUNT(*) AS n FROM ${table}_${side} WHERE ${of} AND day IN (${days.map((d) => `'${d}'`).join(', ')})`))[0].n);
    return { live: await count('live'), closed: await count('closed') };
  };
  /** Where the click writer adds `n` rows: the live tables on PostgreSQL, the closed ones on SQLite (see `rollupUpserts`). */
  const written = (n: number) => (dialect === 'postgres' ? { live: n, closed: 0 } : { live: 0, closed: n });
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
    // Yesterday's rows closed, today's live: the rebuild recomputes both sides.
    await t.app.get(ClicksRepository).foldDaysBefore(dayOf);
    expect(await sides('reach_daily', [dayBefore])).toEqual({ live: 0, closed: expect.any(Number) });
    const todays = await sides('reach_daily', [dayOf]);
    expect(dialect === 'postgres' ? todays.closed : todays.live).toBe(0); // still where the writer put them
    for (const side of ['live', 'closed']) {
      await db.query(`UPDATE reach_daily_${side} SET human_clicks = 99, unique_visitors = 99, bot_hits = 99, channel = NULL, campaign_id = NULL`);
      await db.query(`UPDATE reach_location_daily_${side} SET human_clicks = 99, unique_visitors = 99, bot_hits = 99`);
    }
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
    const after = await rollupOf(link.linkId, dayOf);
    expect([after.humanClicks, after.uniqueVisitors]).toEqual([5, 2]);
    expect(await t.app.get(ClicksRepository).rebuild(dayOf, dayOf)).toBe(2);
    expect(await rollupOf(link.linkId, dayOf)).toEqual(after);
    expect(await locationRollups()).toEqual(await linkRollupsByLocation());
    expect(await monthlyRollups()).toEqual(await linkRollupsByLocation(true));
  });

  it('folds closed days out of the live tables once a day: the same figures before and after, and a late click is added, not lost', async () => {
    const { shareId, campaignId, recommendationId, locationId } = await insertShare(db, { channel: 'facebook' });
    const link = await db.transaction((m) =>
      t.app.get(TrackedLinksService).create(m, { targetPath: '/p/fold', shareId, locationId, channel: 'facebook', campaignId, recommendationId }),
    );
    const [threeDaysAgo, twoDaysAgo] = [today - 3 * DAY_MS, today - 2 * DAY_MS];
    const days = [utcDay(threeDaysAgo), utcDay(twoDaysAgo), dayBefore, dayOf];
    for (const at of [threeDaysAgo, twoDaysAgo, today - DAY_MS, today]) {
      recorder.record(link.id, { ip: '203.0.113.60', userAgent: PHONE, bot: false }, new Date(at));
      recorder.record(link.id, { ip: '203.0.113.61', userAgent: PHONE, bot: false }, new Date(at));
      recorder.record(link.id, { ip: '192.0.2.9', userAgent: 'Twitterbot/1.0', bot: true }, new Date(at));
    }
    await recorder.flush();
    const ofLink = `link_id = '${link.id}'`;
    const mine = async () => (await rollups()).filter((r) => r.linkId === link.id);
    const ofLocation = async () => (await locationRollups()).filter(([location]) => location === locationId);
    const [before, beforeByLocation] = [await mine(), await ofLocation()];
    expect(before.map((r) => [r.day, r.humanClicks, r.uniqueVisitors, r.botHits])).toEqual(days.map((day) => [day, 2, 2, 1]));
    expect(await sides('reach_daily', days, ofLink)).toEqual(written(4));

    // What the daily job runs: the days before yesterday move; yesterday's and today's clicks may still come.
    expect(await t.app.get(ReachFold).run(today)).toBeGreaterThanOrEqual(dialect === 'postgres' ? 2 : 0);
    expect(await sides('reach_daily', days.slice(0, 2), ofLink)).toEqual({ live: 0, closed: 2 });
    expect(await sides('reach_daily', days.slice(2), ofLink)).toEqual(written(2));
    expect(await sides('reach_location_daily', days.slice(0, 2), `location_id = '${locationId}'`)).toEqual({ live: 0, closed: 2 });
    expect(await mine()).toEqual(before);
    expect(await ofLocation()).toEqual(beforeByLocation);
    expect(await t.app.get(ReachFold).run(today)).toBe(0); // nothing left to move

    // A late click for a closed day (a worker catching up) starts a live row, which the next fold adds in.
    recorder.record(link.id, { ip: '203.0.113.62', userAgent: PHONE, bot: false }, new Date(threeDaysAgo));
    await recorder.flush();
    expect(await sides('reach_daily', days.slice(0, 1), ofLink)).toEqual(dialect === 'postgres' ? { live: 1, closed: 1 } : { live: 0, closed: 1 });
    const late = (await mine()).find((r) => r.day === days[0])!;
    expect([late.humanClicks, late.uniqueVisitors, late.botHits]).toEqual([3, 3, 1]);
    await t.app.get(ReachFold).run(today);
    expect(await sides('reach_daily', days.slice(0, 1), ofLink)).toEqual({ live: 0, closed: 1 });
    expect((await mine()).find((r) => r.day === days[0])).toEqual(late);
    expect(await ofLocation()).toEqual(beforeByLocation.map((row) => (row[1] === days[0] ? [locationId, days[0], 3, 3, 1] : row)));
    expect(await locationRollups()).toEqual(await linkRollupsByLocation());
  });

  it('a fold while writers add clicks to the days it moves loses and doubles nothing', async () => {
    const clicks = t.app.get(ClicksRepository);
    const { locationId } = await insertShare(db, {});
    const links = await db.transaction((m) =>
      Promise.all([0, 1, 2].map((i) => t.app.get(TrackedLinksService).create(m, { targetPath: `/p/race-${i}`, locationId }))),
    );
    const old = new Date(today - 5 * DAY_MS);
    let n = 0;
    const batch = () =>
      links.flatMap((link) => Array.from({ length: 50 }, () => ({ linkId: link.id, occurredAt: old, visitorHash: `race${n++}`.padStart(32, '0'), isBot: false, referrerHost: null })));
    const writers = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 8; i++) await clicks.insertMany(batch());
    });
    const folds = (async () => {
      for (let i = 0; i < 12; i++) await clicks.foldDaysBefore(dayBefore);
    })();
    await Promise.all([...writers, folds]);
    await clicks.foldDaysBefore(dayBefore);

    const perLink = 3 * 8 * 50;
    for (const link of links) expect(await rollupOf(link.id, utcDay(old.getTime()))).toMatchObject({ humanClicks: perLink, uniqueVisitors: perLink, botHits: 0 });
    expect((await locationRollups()).find(([location]) => location === locationId)).toEqual([locationId, utcDay(old.getTime()), 3 * perLink, 3 * perLink, 0]);
    expect(await sides('reach_daily', [utcDay(old.getTime())])).toMatchObject({ live: 0, closed: 3 });
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
    const before = (await rollups()).filter((r) => r.linkId === link.id);
    expect(before).toHaveLength(2);

    expect(await t.app.get(RawClickRetention).run(today)).toBeGreaterThanOrEqual(1);
    const left = await db.getRepository(ClickEvent).findBy({ linkId: link.id });
    expect(left.map((c) => c.occurredAt.getTime())).toEqual([kept]);
    expect((await rollups()).filter((r) => r.linkId === link.id)).toEqual(before);
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
      const row = await rollupOf(link.id, dayOf);
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
