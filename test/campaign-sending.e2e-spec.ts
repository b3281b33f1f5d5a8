import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { INVITE_BATCH_JOB, INVITE_BATCH_SIZE } from '../src/campaigns/campaign.jobs';
import { FanOutCampaign } from '../src/campaigns/fan-out-campaign';
import { InviteCustomers } from '../src/campaigns/invite-customers';
import { LaunchCampaign } from '../src/campaigns/launch-campaign';
import { dbTime } from '../src/database/sql';
import { Location } from '../src/locations/location.entity';
import { ALL_DAY, DAY, seedCustomers, seedLocation, setup, waitFor } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { REDIS_URL } from './support/database';
import { TestSmtpServer } from './support/smtp-server';

/** Every fakeable API but Date: the app keeps real timers while its clock is set back. */
const ALL_BUT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/**
 * The send path against the frequency cap and the end of a campaign, on both dialects (in-process
 * jobs, real SMTP server on loopback); and the invite batches' job ids on BullMQ.
 */
describe.each<Dialect>(['sqlite', 'postgres'])('campaign sending (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let db: DataSource;
  let location: Location;

  /** Raw SQL with `?` placeholders in either dialect. */
  const query = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await query(sql, params))[0].n);

  async function campaign(name: string, sendingHours = ALL_DAY): Promise<string> {
    return (await t.app.get(CampaignsService).create(setup, { name, locations: [location.code], sendingHours, lookBackDays: 90 })).id;
  }

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect, env: { SMTP_URL: `${smtp.url}?pool=false` } });
    db = t.app.get(DataSource);
    location = await seedLocation(t.app, 'SND-001', 'Sending Motors', 'UTC');
  });

  afterAll(async () => {
    jest.useRealTimers();
    await t?.close();
    await smtp?.close();
  });

  it('counts a message when it is sent: a claim that waited through a 31-day pause is withdrawn if two were sent meanwhile', async () => {
    const [customer] = await seedCustomers(db, [{ email: 'paused@example.com', score: 10, consent: true, location, daysAgo: 1 }]);
    const service = t.app.get(CampaignsService);
    // Campaign A sends from this hour for six hours (UTC); 31.5 days ago at this time of day +12 h, they were closed.
    const hour = new Date().getUTCHours();
    const a = await campaign('Paused for a month', { from: hour, to: (hour + 6) % 24 || 24 });
    const claimedAt = new Date(Date.now() - 31 * DAY - 12 * 60 * 60_000);

    jest.useFakeTimers({ now: claimedAt, advanceTimers: true, doNotFake: [...ALL_BUT_DATE] });
    await t.app.get(LaunchCampaign).execute(setup, a);
    // The claim (its ledger row counted now), its email waiting for A's sending hours; then A is paused.
    expect(await t.app.get(InviteCustomers).execute(a, [customer])).toHaveLength(1);
    await service.pause(setup, a);
    jest.useRealTimers(); // 31.5 days later

    // Meanwhile two other campaigns reach the customer: the old claim is outside the window, so both may.
    for (const name of ['Other one', 'Other two']) {
      const id = await campaign(name);
      await t.app.get(LaunchCampaign).execute(setup, id);
      await waitFor(async () => (await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = ? AND status = 'sent'`, [id])) === 1, `${name} sent`);
    }
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(['paused@example.com', 'paused@example.com']);

    // Resumed: A's message is queued again, and now is its third in 30 days.
    await service.resume(setup, a);
    await waitFor(
      async () => (await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = ? AND status = 'pending'`, [a])) === 0,
      'the resumed message settled',
    );
    expect(await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = ?`, [a])).toBe(0); // withdrawn: may be invited when under the cap
    expect(smtp.messages).toHaveLength(2);
    const ledger = await query(`SELECT campaign_id FROM marketing_message WHERE customer_id = ?`, [customer]);
    expect(ledger.map((r: { campaign_id: string }) => r.campaign_id)).not.toContain(a);
    expect(ledger).toHaveLength(2);
    await service.end(setup, a);
  });

  it('ends a campaign in a constant number of statements, cancelling its unsent messages and giving their slots back', async () => {
    const n = 300;
    const ids = await seedCustomers(
      db,
      Array.from({ length: n + 2 }, (_, i) => ({ email: `ending-${i}@example.com`, score: 9, consent: true, location })),
    );
    const id = await campaign('Ending');
    // Claimed but not sent (as left by a pause): n invitations, one sent invitation with a reminder due, one being sent right now.
    const now = new Date();
    const invitations = ids.map((customerId, i) => ({
      id: randomUUID(),
      customerId,
      status: i === n ? 'sent' : 'pending',
      reminder: i === n ? 'pending' : null,
      lease: i === n + 1 ? new Date(now.getTime() + 60_000) : null,
    }));
    for (const inv of invitations) {
      await query(
        `INSERT INTO invitation (id, campaign_id, customer_id, location_id, status, reminder_status, lease_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [inv.id, id, inv.customerId, location.id, inv.status, inv.reminder, inv.lease && dbTime(dialect, inv.lease), dbTime(dialect, now)],
      );
      for (const kind of inv.reminder ? ['invitation', 'reminder'] : ['invitation']) {
        await query(`INSERT INTO marketing_message (id, customer_id, campaign_id, invitation_id, kind, counted_at) VALUES (?, ?, ?, ?, ?, ?)`, [
          randomUUID(),
          inv.customerId,
          id,
          inv.id,
          kind,
          dbTime(dialect, now),
        ]);
      }
    }

    // Every statement goes through a query runner: pooled ones on PostgreSQL, the one shared runner (whose
    // `query` src/database/sqlite-transactions.ts wraps) on SQLite.
    const runner = db.createQueryRunner();
    const target = (Object.prototype.hasOwnProperty.call(runner, 'query') ? runner : Object.getPrototypeOf(runner)) as { query(sql: string): Promise<unknown> };
    if (dialect === 'postgres') await runner.release();
    const statements = jest.spyOn(target, 'query');
    let issued: number;
    try {
      await t.app.get(CampaignsService).end(setup, id);
    } finally {
      issued = statements.mock.calls.length;
      statements.mockRestore();
    }
    expect(issued).toBeLessThan(15);

    const states = await query(`SELECT status, reminder_status, count(*) AS n FROM invitation WHERE campaign_id = ? GROUP BY status, reminder_status ORDER BY status`, [id]);
    expect(states.map((r: Record<string, unknown>) => ({ ...r, n: Number(r.n) }))).toEqual([
      { status: 'cancelled', reminder_status: null, n },
      { status: 'pending', reminder_status: null, n: 1 }, // being sent: left to finish
      { status: 'sent', reminder_status: 'cancelled', n: 1 },
    ]);
    const slots = await query(`SELECT kind, count(*) AS n FROM marketing_message WHERE campaign_id = ? GROUP BY kind`, [id]);
    expect(slots.map((r: Record<string, unknown>) => ({ ...r, n: Number(r.n) }))).toEqual([{ kind: 'invitation', n: 2 }]); // the sent one and the one being sent
  });
});

describe('invite batches on BullMQ (PostgreSQL + Redis, API process without workers)', () => {
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres', redis: true, env: { GOODWORD_ROLE: 'api' } });
    queue = new Queue(INVITE_BATCH_JOB.name, { connection: { url: REDIS_URL }, prefix: t.config.queuePrefix });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await t?.close();
  });

  it('queues a batch once while it waits, however many ticks find its customers again', async () => {
    const location = await seedLocation(t.app, 'SND-002', 'Queue Motors');
    const db = t.app.get(DataSource);
    const n = INVITE_BATCH_SIZE * 2 + 10;
    await seedCustomers(db, Array.from({ length: n }, (_, i) => ({ email: `batch-${i}@example.com`, score: 10, consent: true, location })));
    const id = (await t.app.get(CampaignsService).create(setup, { name: 'Slow worker', locations: [location.code], sendingHours: ALL_DAY })).id;
    await db.query(`UPDATE campaign SET status = 'running', launched_at = now() WHERE id = $1`, [id]); // no fan-out from the launch
    const fanOut = t.app.get(FanOutCampaign);
    const round = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    // Three ticks two minutes apart; no worker takes the batches meanwhile.
    for (const minute of [1, 3, 5]) expect(await fanOut.execute(id, { now: new Date(round + minute * 60_000) })).toBe(n);
    const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    expect(counts.waiting + counts.delayed + counts.prioritized + counts.active).toBe(3);
  });
});
