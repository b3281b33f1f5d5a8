/**
 * bench:report — reach report queries at scale, on PostgreSQL: N click events (default 10M) over 500
 * locations, 2,000 campaigns, 100k tracked links and 365 days, plus feedback, invitations and approvals.
 * Target: report p95 < 100 ms, ≥ 50× faster than the same figures counted from the raw events, and the dealer
 * report page (50 locations) rendered in < 300 ms.
 *
 *   npm run bench:report [-- --events 10000000 --runs 20 --raw-runs 3]   (BENCH_PROFILE=1 also times each read-model query)
 *
 * "Faster than raw" is the median, over runs, of one scope's raw read time over the same scope's rollup read
 * time (scopes differ a lot in size). Every run of a location or campaign is paired; a dealer's raw read
 * takes seconds, so only its first --raw-runs are.
 *
 * BENCH_SCHEMA=name keeps the generated data in that PostgreSQL schema and reuses it on the next run, for trying a
 * change to the read model (BENCH_REBUILD=1 recomputes the rollups with `reach:rebuild` first, for a new rollup).
 *
 * Locations, campaigns, feedback, invitations, approvals and links are written with bulk SQL (generate_series);
 * the click events go through the capture path's database writer (`ClicksRepository.insertMany`), which keeps the
 * rollups as it writes. Shares are not generated (the `shared` step reads 0 here).
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { Actor, cliActor } from '../src/common/actor';
import { LocationsService } from '../src/locations/locations.service';
import { ClicksRepository, NewClick } from '../src/reach/clicks.repository';
import { DAY_MS, utcDay } from '../src/common/time/days';
import { ReachCuts, ReachReportReadModel } from '../src/reports/reach-report.read-model';
import { ReachReports } from '../src/reports/reach-reports.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, createTestAppFromEnv, testEnv } from '../test/support/app';
import { postgresUrlWithSchema } from '../test/support/database';
import { fmt } from './support';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    locations: { type: 'string', default: '500' },
    campaigns: { type: 'string', default: '2000' },
    links: { type: 'string', default: '100000' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '20' },
    'raw-runs': { type: 'string', default: '3' },
  },
});
const N = {
  events: Number(values.events),
  locations: Number(values.locations),
  campaigns: Number(values.campaigns),
  links: Number(values.links),
  days: Number(values.days),
  runs: Number(values.runs),
  rawRuns: Number(values['raw-runs']),
};
if (N.campaigns % N.locations !== 0) throw new Error('--campaigns must be a multiple of --locations: each campaign runs at one location');
const CUSTOMERS = Math.max(1000, Math.round(N.links * 2));
const FEEDBACK = CUSTOMERS * 2;
const INVITATIONS = N.links;
const RECOMMENDATIONS = Math.round(N.links / 2);
const DEALER_LOCATIONS = Math.min(50, N.locations);
/** Reports and rollup reads per kind and range before the timed runs. */
const WARM_RUNS = 25;

/** A timed scope: its full report, its reach figures from the rollups, and the same figures from the raw events. */
interface Scope {
  report: () => Promise<unknown>;
  rollup: () => Promise<ReachCuts>;
  raw: () => Promise<RawRow[]>;
}
/** A row of `raw`: one day and channel. */
interface RawRow {
  human: string;
  visitors: string;
  bots: string;
}

/** A deterministic, well-formed (version 4 layout) uuid for the g-th row of a kind. */
const id = (kind: string, g: string) => `overlay(overlay(md5('${kind}' || (${g})) placing '4' from 13) placing '8' from 17)::uuid`;
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function time<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await work();
  console.log(`  ${label}: ${fmt(ms(start) / 1000, 1)} s`);
  return result;
}

async function generate(db: DataSource, clicks: ClicksRepository) {
  const span = `${N.days} * 86400`;
  const at = `now() - (random() * ${span}) * interval '1 second'`;
  console.log(`generating: ${fmt(N.events)} click events, ${fmt(N.locations)} locations, ${fmt(N.campaigns)} campaigns, ${fmt(N.links)} links, ${N.days} days`);
  await time('locations, campaigns, customers', async () => {
    await db.query(`INSERT INTO location (id, code, name) SELECT ${id('loc', 'g')}, 'B' || lpad(g::text, 4, '0'), 'Bench location ' || g FROM generate_series(1, ${N.locations}) g`);
    // Each campaign runs at the one location its invitations go to (below: campaign 1 + g % C, location 1 + g % L).
    await db.query(
      `INSERT INTO campaign (id, name, look_back_days, channels, prompt, status, location_ids)
       SELECT ${id('cmp', 'g')}, 'Bench campaign ' || g, 90, '["x","facebook"]', 'How was it?', 'running', jsonb_build_array(${id('loc', `1 + (g - 1) % ${N.locations}`)})
         FROM generate_series(1, ${N.campaigns}) g`,
    );
    await db.query(`INSERT INTO customer (id, email) SELECT ${id('cus', 'g')}, 'c' || g || '@bench.example' FROM generate_series(1, ${CUSTOMERS}) g`);
  });
  await time(`${fmt(FEEDBACK)} feedback responses`, () =>
    db.query(
      `INSERT INTO feedback_response (response_id, customer_id, location_id, score, segment, responded_at, import_seq, touchpoint)
       SELECT 'r' || g, ${id('cus', `1 + g % ${CUSTOMERS}`)}, ${id('loc', `1 + (g * 7) % ${N.locations}`)}, s,
              CASE WHEN s >= 9 THEN 'promoter' WHEN s >= 7 THEN 'passive' ELSE 'detractor' END, ${at}, g,
              (ARRAY['sales', 'service', NULL])[1 + g % 3]
         FROM (SELECT g, (CASE WHEN random() < 0.6 THEN 9 + floor(random() * 2) ELSE floor(random() * 9) END)::int AS s FROM generate_series(1, ${FEEDBACK}) g) x`,
    ),
  );
  await time(`${fmt(INVITATIONS)} invitations, ${fmt(RECOMMENDATIONS)} approvals, ${fmt(N.links)} links`, async () => {
    await db.query(
      `INSERT INTO invitation (id, campaign_id, customer_id, location_id, status, created_at, sent_at, opened_at)
       SELECT ${id('inv', 'g')}, ${id('cmp', `1 + g % ${N.campaigns}`)}, ${id('cus', 'g')}, ${id('loc', `1 + g % ${N.locations}`)}, 'sent', t, t,
              CASE WHEN g % 3 > 0 THEN t + interval '1 hour' END
         FROM (SELECT g, ${at} AS t FROM generate_series(1, ${INVITATIONS}) g) x`,
    );
    await db.query(
      `INSERT INTO recommendation (id, invitation_id, customer_id, campaign_id, location_id, author_name, text, text_hash, channels, approved_at, reward_accepted)
       SELECT ${id('rec', 'g')}, i.id, i.customer_id, i.campaign_id, i.location_id, 'Ana S.', 'Great service', md5(g::text) || md5(g::text), '["x","facebook"]', i.created_at + interval '1 day', g % 4 = 0
         FROM generate_series(1, ${RECOMMENDATIONS}) g JOIN invitation i ON i.id = ${id('inv', 'g')}`,
    );
    await db.query(
      `INSERT INTO tracked_link (id, code, target_path, location_id, campaign_id, recommendation_id, channel)
       SELECT ${id('lnk', 'g')}, substr(md5('code' || g), 1, 12), '/p/' || r.id, r.location_id, r.campaign_id, r.id,
              (ARRAY['x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy'])[1 + g % 6]
         FROM generate_series(1, ${N.links}) g JOIN recommendation r ON r.id = ${id('rec', `1 + (g - 1) % ${RECOMMENDATIONS}`)}`,
    );
  });
  await time(`${fmt(N.events)} click events through the capture path's writer, with their rollups`, () => writeClicks(db, clicks));
}

/**
 * The click events go through the capture path's database writer, `ClicksRepository.insertMany` (the raw rows by
 * COPY and the daily rollups in one transaction, in the writer's batches), in time order, as the worker writes what
 * the redirect captured. Skewed as shares are: a few links draw most visits (the k-th of n links with k = n·u³),
 * each link's visits come mostly in the days after its share (its own start day in the range, then an exponential
 * fall-off with a 3-day mean); visitors come from a pool of a quarter as many as events; 8% are bots. Each time
 * the clicks reach a new UTC day, the closed days are folded out of the live rollups, as the daily job does.
 */
async function writeClicks(db: DataSource, clicks: ClicksRepository): Promise<void> {
  const linkIds = Array.from({ length: N.links }, (_, i) => uuidOf('lnk', i + 1));
  const startDays = linkIds.map((_, i) => parseInt(md5(`start${i + 1}`).slice(0, 8), 16) % N.days);
  // Each visit as one number, how long ago (ms) × a power of two above the link count + the link: sorted, they are in time order.
  const linkSpan = 2 ** Math.ceil(Math.log2(N.links + 1));
  if ((N.days + 1) * DAY_MS * linkSpan >= 2 ** 53) throw new Error('--days × --links is too large for this bench');
  const visits = new Float64Array(N.events);
  for (let i = 0; i < N.events; i++) {
    const k = Math.floor(Math.random() ** 3 * N.links);
    const ago = Math.max(0, Math.round(startDays[k] * DAY_MS + Math.log(1 - Math.random()) * 3 * DAY_MS));
    visits[i] = ago * linkSpan + k;
  }
  visits.sort();
  const visitors = Math.max(1000, N.events / 4);
  const now = Date.now();
  const report = Math.max(clicks.maxBatch, Math.round(N.events / 5 / clicks.maxBatch) * clicks.maxBatch);
  const writing = new Set<Promise<void>>();
  let batch: NewClick[] = [];
  let day = '';
  for (let n = 1; n <= N.events; n++) {
    const visit = visits[N.events - n]; // the oldest first
    const k = visit % linkSpan;
    batch.push({
      linkId: linkIds[k],
      occurredAt: new Date(now - (visit - k) / linkSpan),
      visitorHash: md5(`v${Math.floor(Math.random() * visitors)}`),
      isBot: Math.random() < 0.08,
      referrerHost: null,
    });
    if (batch.length === clicks.maxBatch || n === N.events) {
      // Two batches at a time, as two workers write: one is made here while the database takes the other.
      if (writing.size >= 2) await Promise.race(writing);
      const write: Promise<void> = clicks.insertMany(batch).finally(() => writing.delete(write));
      writing.add(write);
      const batchDay = utcDay(batch[batch.length - 1].occurredAt.getTime());
      if (batchDay !== day) {
        await clicks.foldDaysBefore(utcDay(Date.parse(`${batchDay}T00:00:00Z`) - DAY_MS));
        // Autovacuum's part: on a live database it vacuums these small, busy tables every minute or so, a
        // thousand times a day (the monthly rollup too, whose rows every batch updates); a bench day lasts
        // under a second, so they are vacuumed here, once a day.
        await db.query('VACUUM reach_daily_live, reach_location_daily_live, reach_location_monthly');
        day = batchDay;
      }
      batch = [];
      if (n % report === 0 && n < N.events) console.log(`    ${fmt(n)} of ${fmt(N.events)}`);
    }
  }
  await Promise.all(writing);
}

/** In JavaScript, the uuid that `id(kind, g)` makes in SQL. */
function uuidOf(kind: string, g: number): string {
  const h = md5(`${kind}${g}`);
  const v = `${h.slice(0, 12)}4${h.slice(13, 16)}8${h.slice(17)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function main() {
  const kept = process.env.BENCH_SCHEMA;
  // As an API process serves reports: no worker role, so no daily retention job deletes the raw events older
  // than `rawClickRetentionDays` (90) while the bench counts a year of them as its baseline.
  const env = { GOODWORD_ROLE: 'api' };
  const t = kept
    ? await createTestAppFromEnv(testEnv({ dialect: 'postgres', redis: true, env: { ...env, DATABASE_URL: postgresUrlWithSchema(kept) } }).env)
    : await createTestApp({ dialect: 'postgres', redis: true, env });
  try {
    const db = t.app.get(DataSource);
    const reused = kept && Number((await db.query('SELECT count(*) AS n FROM location'))[0].n) > 0;
    if (reused) {
      const events = Number((await db.query('SELECT count(*) AS n FROM click_event'))[0].n);
      console.log(`reusing the data in schema ${kept} (${fmt(events)} click events)`);
      if (events !== N.events) throw new Error(`schema ${kept} holds ${fmt(events)} click events, not --events ${fmt(N.events)}: drop it (DROP SCHEMA ${kept} CASCADE) to generate it again`);
    } else await generate(db, t.app.get(ClicksRepository));
    // The raw baseline gets the index that suits it best (per link, then time). The product keeps none such:
    // nothing it runs reads raw events per link, and the index would cost every click a random-page insert.
    await time('raw baseline index (link, time)', () => db.query('CREATE INDEX IF NOT EXISTS bench_click_event_link_time ON click_event (link_id, occurred_at)'));
    const rebuild = reused && process.env.BENCH_REBUILD === '1';
    if (rebuild) {
      const today = utcDay(Date.now());
      const first = utcDay(Date.now() - (N.days + 1) * DAY_MS);
      await time('rollups recomputed (reach:rebuild)', () => t.app.get(ClicksRepository).rebuild(first, today));
    }
    if (!reused || rebuild) await time('VACUUM ANALYZE (what autovacuum does on a live database)', () => db.query('VACUUM ANALYZE'));
    console.log(`  ${fmt(Number((await db.query('SELECT count(*) AS n FROM reach_daily'))[0].n))} link-days in reach_daily`);
    // Packed or bloated: an update can't be HOT while covering indexes hold the counts, so every update adds index entries.
    for (const table of ['reach_daily_closed', 'reach_daily_live', 'reach_location_daily_closed', 'reach_location_daily_live', 'reach_location_monthly']) {
      const [r] = await db.query(`SELECT count(*) AS n, pg_relation_size('${table}') AS heap, pg_indexes_size('${table}') AS ix FROM ${table}`);
      console.log(`  ${table}: ${fmt(Number(r.n))} rows, table ${fmt(Number(r.heap) / 2 ** 20, 1)} MB, indexes ${fmt(Number(r.ix) / 2 ** 20, 1)} MB`);
    }

    const reports = t.app.get(ReachReports);
    const model = t.app.get(ReachReportReadModel);
    const campaignIdOf = async (n: number) => (await db.query(`SELECT ${id('cmp', String(n))} AS id`))[0].id as string;
    const locationIdOf = async (n: number) => (await db.query(`SELECT ${id('loc', String(n))} AS id`))[0].id as string;
    const codes = Array.from({ length: DEALER_LOCATIONS }, (_, i) => `B${String(i + 1).padStart(4, '0')}`);
    if (reused) await db.query(`DELETE FROM staff_user WHERE email = 'dealer@bench.example'`);
    const dealerUser = await t.app.get(UsersService).create(cliActor('bench'), { email: 'dealer@bench.example', role: 'dealer', locationCodes: codes, password: 'bench-dealer-pw-1' });
    const dealer: Actor = { type: 'staff', id: dealerUser.user.id, role: 'dealer', locationCodes: codes };
    const admin: Actor = { type: 'staff', id: null, role: 'admin' };
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'dealer@bench.example', password: 'bench-dealer-pw-1' } });
    const token = login.json().accessToken as string;
    const locationIds = (await db.query(`SELECT id FROM location WHERE code = ANY($1)`, [codes])).map((r: { id: string }) => r.id);

    const rand = (n: number) => 1 + Math.floor(Math.random() * n);
    if (process.env.BENCH_PROFILE) {
      const campaignId = await campaignIdOf(1);
      for (const [label, scope, days] of [
        ['one location, 90 days', { locationIds: [locationIds[0]] }, '90'],
        ['dealer (50), 365 days', { locationIds }, '365'],
        ['one campaign, all locations, 365 days', { campaignId }, '365'],
      ] as [string, { locationIds?: string[]; campaignId?: string }, string][]) {
        console.log(` ${label}:`);
        const range = reports.range({ days });
        for (const name of ['feedback', 'invitations', 'approvals', 'shared', 'reach', 'xImpressions', 'estimatedAudience', 'reachCuts', 'feedbackCuts', 'approvalCuts', 'rewardCodes'] as const) {
          const s = process.hrtime.bigint();
          for (let i = 0; i < 5; i++) await (model[name] as (a: unknown, b: unknown) => Promise<unknown>).call(model, scope, range);
          console.log(`  ${name}: ${fmt(ms(s) / 5, 1)} ms`);
        }
        const s = process.hrtime.bigint();
        for (let i = 0; i < 5; i++) await model.advocates(scope, range, 100);
        console.log(`  advocates: ${fmt(ms(s) / 5, 1)} ms`);
      }
      for (const [name, work] of [
        ['campaigns.list(dealer)', () => t.app.get(CampaignsService).list(dealer)],
        ['locations.list(dealer)', () => t.app.get(LocationsService).list(dealer)],
        ['forActor(dealer, 90 days)', () => reports.forActor(dealer, { days: '90', compare: 'previous' })],
      ] as [string, () => Promise<unknown>][]) {
        const s2 = process.hrtime.bigint();
        for (let i = 0; i < 3; i++) await work();
        console.log(`  ${name}: ${fmt(ms(s2) / 3, 1)} ms`);
      }
    }
    const worst: number[] = [];
    const ratios: number[] = [];
    const lines: string[] = [];
    for (const days of [30, 90, 365]) {
      const range = reports.range({ days: String(days) });
      const end = new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY_MS);
      const start = new Date(`${range.from}T00:00:00Z`);
      // Each run picks a scope: its full report is timed, and its reach figures read from the rollups and counted from the raw events.
      const kinds: [string, () => Promise<Scope>][] = [
        ['location', async () => {
          const n = rand(N.locations);
          const locationId = await locationIdOf(n);
          return {
            report: () => reports.forLocation(admin, `B${String(n).padStart(4, '0')}`, { days: String(days), compare: 'previous' }),
            rollup: () => model.reachCuts({ locationIds: [locationId] }, range),
            raw: () => raw(db, [String(n)], start, end, 'location'),
          };
        }],
        ['campaign', async () => {
          const n = rand(N.campaigns);
          const campaignId = await campaignIdOf(n);
          return {
            report: () => reports.forCampaign(admin, campaignId, { days: String(days), compare: 'previous' }),
            rollup: () => model.reachCuts({ campaignId }, range),
            raw: () => raw(db, [String(n)], start, end, 'campaign'),
          };
        }],
        ['dealer(50)', async () => ({
          report: () => reports.forActor(dealer, { days: String(days), compare: 'previous' }),
          rollup: () => model.reachCuts({ locationIds }, range),
          raw: () => raw(db, locationIds, start, end, 'ids'),
        })],
      ];
      for (const [kind, pick] of kinds) {
        // The two ways give the same figures (the totals of one scope, checked once, before the warm-up).
        const checked = await pick();
        const [fromRollups, fromRaw] = [(await checked.rollup()).total, await checked.raw()];
        const sum = (column: keyof RawRow) => fromRaw.reduce((n, r) => n + Number(r[column]), 0);
        const counted = { humanClicks: sum('human'), uniqueVisitors: sum('visitors'), botHits: sum('bots') };
        if (JSON.stringify(counted) !== JSON.stringify(fromRollups)) {
          throw new Error(`${kind} ${days} days: the rollups read ${JSON.stringify(fromRollups)}, the raw events ${JSON.stringify(counted)}`);
        }
        // Warmed as a running server is: narrow scopes' reads are named statements, prepared on each pool connection at
        // its first use and planned for their parameters for the first five executions there (PostgreSQL's rule).
        for (let i = 0; i < WARM_RUNS; i++) {
          const scope = await pick();
          await scope.report();
          await scope.rollup();
        }
        const [times, rollupTimes, rawTimes, pairs]: number[][] = [[], [], [], []];
        // Raw reads of one location or campaign are cheap enough to pair with every run; a dealer's take seconds.
        const rawRuns = kind.startsWith('dealer') ? N.rawRuns : N.runs;
        const timed = async (into: number[], work: () => Promise<unknown>) => {
          const s = process.hrtime.bigint();
          await work();
          into.push(ms(s));
        };
        for (let i = 0; i < N.runs; i++) {
          const scope = await pick();
          await timed(times, scope.report);
          await timed(rollupTimes, scope.rollup);
          if (i < rawRuns) {
            await timed(rawTimes, scope.raw);
            // The same scope both ways: scopes differ a lot in size, so each raw read is set against its own rollup read.
            pairs.push(rawTimes[rawTimes.length - 1] / rollupTimes[rollupTimes.length - 1]);
          }
        }
        const p95 = pct(times, 95);
        worst.push(p95);
        const ratio = pct(pairs, 50);
        ratios.push(ratio);
        lines.push(
          `${kind.padEnd(11)} ${String(days).padStart(3)} days: full report p50 ${fmt(pct(times, 50), 1)} ms, p95 ${fmt(p95, 1)} ms | ` +
            `reach figures from rollups p50 ${fmt(pct(rollupTimes, 50), 1)} ms vs raw events p50 ${fmt(pct(rawTimes, 50), 0)} ms → ${fmt(ratio, 0)}× (median of ${pairs.length} same-scope pairs)`,
        );
        console.log(lines[lines.length - 1]);
      }
    }
    const pages: number[] = [];
    for (let i = 0; i < N.runs + 1; i++) {
      const s = process.hrtime.bigint();
      const res = await t.app.inject({ method: 'GET', url: '/dashboard/reports?days=90', headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`dealer page answered ${res.statusCode}`);
      if (i > 0) pages.push(ms(s));
    }
    console.log(`dealer report page (50 locations, 90 days): p50 ${fmt(pct(pages, 50), 1)} ms, p95 ${fmt(pct(pages, 95), 1)} ms`);
    // The page a dealer lands on after signing in (its overview reads the same data): printed, not a target.
    const homes: number[] = [];
    for (let i = 0; i < N.runs + 1; i++) {
      const s = process.hrtime.bigint();
      const res = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`dealer home page answered ${res.statusCode}`);
      if (i > 0) homes.push(ms(s));
    }
    console.log(`dealer home page (50 locations): p50 ${fmt(pct(homes, 50), 1)} ms, p95 ${fmt(pct(homes, 95), 1)} ms`);
    // An admin's report of every location (what the reports page opens on for staff): printed, not a target.
    for (const days of ['30', '90', '365']) {
      const all: number[] = [];
      for (let i = 0; i < 11; i++) {
        const s = process.hrtime.bigint();
        await reports.forActor(admin, { days, compare: 'previous' });
        if (i > 0) all.push(ms(s));
      }
      console.log(`all ${N.locations} locations ${days.padStart(3)} days (admin): p50 ${fmt(pct(all, 50), 1)} ms, p95 ${fmt(pct(all, 95), 1)} ms`);
    }
    const maxP95 = Math.max(...worst);
    console.log(
      `SUMMARY bench:report ${fmt(N.events)} events/${N.locations} locations/${N.campaigns} campaigns/${fmt(N.links)} links/${N.days} days on PostgreSQL: ` +
        `worst report p95 ${fmt(maxP95, 1)} ms (target < 100) ${maxP95 < 100 ? 'PASS' : 'FAIL'}; ` +
        `rollups vs raw events at least ${fmt(Math.min(...ratios), 1)}× (target ≥ 50×) ${Math.min(...ratios) >= 50 ? 'PASS' : 'FAIL'}; dealer page p95 ${fmt(pct(pages, 95), 1)} ms (target < 300) ${pct(pages, 95) < 300 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    await t.close();
  }
}

/**
 * The reach figures of a scope counted from the raw events, per day and share channel (unique visitors per link per
 * day, as the rollups count them): what the report would cost without rollups.
 */
async function raw(db: DataSource, scope: string[], start: Date, end: Date, kind: 'location' | 'campaign' | 'ids') {
  const filter =
    kind === 'location' ? `l.location_id = ${id('loc', '$3::int')}` : kind === 'campaign' ? `l.campaign_id = ${id('cmp', '$3::int')}` : `l.location_id = ANY($3::uuid[])`;
  return db.query(
    `SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, l.channel,
            count(*) FILTER (WHERE NOT e.is_bot) AS human, count(DISTINCT (e.link_id, e.visitor_hash)) FILTER (WHERE NOT e.is_bot) AS visitors,
            count(*) FILTER (WHERE e.is_bot) AS bots
       FROM click_event e JOIN tracked_link l ON l.id = e.link_id
      WHERE e.occurred_at >= $1 AND e.occurred_at < $2 AND ${filter}
      GROUP BY 1, 2`,
    [start, end, kind === 'ids' ? scope : Number(scope[0])],
  ) as Promise<RawRow[]>;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
