import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { Queue } from 'bullmq';
import { CAMPAIGN_FAN_OUT_JOB, INVITE_BATCH_JOB, SEND_INVITATIONS_JOB } from '../src/campaigns/campaign.jobs';
import { FanOutCampaign } from '../src/campaigns/fan-out-campaign';
import { cliActor } from '../src/common/actor';
import { loadConfig } from '../src/config/load-config';
import { MessageLedger } from '../src/invitations/message-ledger.repository';
import { Location } from '../src/locations/location.entity';
import { SettingsService } from '../src/settings/settings.service';
import { startWorker } from '../src/worker';
import { ALL_DAY, seedCustomers, seedLocation, staffHeader, waitFor } from './campaign-fixtures';
import { testEnv } from './support/app';
import { deleteRedisKeys, dropSchema, REDIS_URL } from './support/database';
import { TestSmtpServer } from './support/smtp-server';

const ROOT = resolve(__dirname, '..');

/**
 * PostgreSQL + Redis, several processes: an API process and two worker processes (application
 * contexts with GOODWORD_ROLE=worker), plus a third worker in a child process that is killed with
 * SIGKILL in the middle of sending. Exactly one invitation (and one email) per customer per
 * campaign, and the frequency cap holds while campaigns race for the same customers.
 */
describe('campaign fan-out with several workers (PostgreSQL + Redis)', () => {
  let smtp: TestSmtpServer;
  const servers: { child?: TestSmtpServer } = {};
  let env: Record<string, string>;
  let schema: string;
  let api: NestFastifyApplication;
  let workers: INestApplicationContext[] = [];
  let db: DataSource;
  let headers: Record<string, string>;
  const locations: Location[] = [];

  const post = (url: string, payload?: object) => api.inject({ method: 'POST', url, headers, payload });
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params))[0].n);
  const recipients = (prefix: string) => smtp.messages.map((m) => m.envelope.to[0]).filter((to) => to.startsWith(prefix));

  /**
   * Nothing left to do: no fan-out, invite batch or send job waiting, delayed or running, and no
   * invitation pending. Only then can a check that nothing more was sent mean anything.
   */
  async function settled(): Promise<void> {
    const queues = [CAMPAIGN_FAN_OUT_JOB, INVITE_BATCH_JOB, SEND_INVITATIONS_JOB].map(
      (job) => new Queue(job.name, { connection: { url: REDIS_URL }, prefix: env.QUEUE_PREFIX }),
    );
    try {
      await waitFor(async () => {
        for (const queue of queues) {
          const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'waiting-children');
          if (Object.values(counts).some((n) => n > 0)) return false;
        }
        return (await count(`SELECT count(*) AS n FROM invitation WHERE status = 'pending'`)) === 0;
      }, 'all campaign jobs done');
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  }

  async function setCap(cap: number) {
    await api.get(SettingsService).update(cliActor('test'), { frequencyCap: cap });
    for (const worker of workers) worker.get(SettingsService).invalidate();
  }

  async function campaign(name: string, location: Location): Promise<string> {
    const res = await post('/api/campaigns', { name, locations: [location.code], sendingHours: ALL_DAY, lookBackDays: 30 });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  async function seed(prefix: string, location: Location, n: number): Promise<string[]> {
    return seedCustomers(
      db,
      Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example.com`, score: 9 + (i % 2), consent: true, location, name: `P ${i}` })),
    );
  }

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    // The killed worker's SMTP connections end with a reset, which the server reports as an error event.
    (smtp as unknown as { server: { on(event: 'error', listener: () => void): void } }).server.on('error', () => undefined);
    ({ env, schema } = testEnv({ dialect: 'postgres', redis: true, env: { SMTP_URL: smtp.url } }) as { env: Record<string, string>; schema: string });
    api = await createApp(loadConfig({ ...env, GOODWORD_ROLE: 'api' }));
    await api.init();
    await api.getHttpAdapter().getInstance().ready();
    workers = await Promise.all([1, 2].map(() => startWorker(loadConfig({ ...env, GOODWORD_ROLE: 'worker' }))));
    db = api.get(DataSource);
    headers = (await staffHeader(api, 'marketer')).headers;
    for (const code of ['LOC-A', 'LOC-B', 'LOC-C', 'LOC-D']) locations.push(await seedLocation(api, code, `Location ${code}`));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await api?.close();
    await smtp?.close();
    await servers.child?.close();
    if (schema) await dropSchema(schema);
    if (env) await deleteRedisKeys(`${env.QUEUE_PREFIX}:*`);
  }, 60_000);

  it('invites each customer exactly once, with two workers and a third killed mid-send', async () => {
    const N = 2000;
    const ids = await seed('crash-', locations[0], N);
    const id = await campaign('Crash test', locations[0]);
    const sent = (emails: string[]) => count(`SELECT count(*) AS n FROM invitation i JOIN customer c ON c.id = i.customer_id WHERE i.status = 'sent' AND c.email = ANY($1)`, [emails]);
    const liveTokensOfUnsent = () =>
      count(
        `SELECT count(*) AS n FROM invitation_token t JOIN invitation i ON i.id = t.invitation_id
         WHERE i.campaign_id = $1 AND i.status <> 'sent' AND t.revoked_at IS NULL AND t.expires_at > now()`,
        [id],
      );

    // The third worker sends through its own SMTP server, so the test knows what it got accepted.
    const childSmtp = (servers.child = await TestSmtpServer.start());
    (childSmtp as unknown as { server: { on(event: 'error', listener: () => void): void } }).server.on('error', () => undefined);
    const child = await spawnWorker({ ...env, GOODWORD_ROLE: 'worker', LOG_LEVEL: 'info', SMTP_URL: childSmtp.url });
    try {
      expect((await post(`/api/campaigns/${id}/launch`)).statusCode).toBe(200);
      // More fan-outs of the same campaign at the same time: they must not invite anyone twice.
      await Promise.all(workers.map((w) => w.get(FanOutCampaign).execute(id)));
      await waitFor(() => childSmtp.messages.length >= 20, 'the third worker sending', 30_000);
      // Kill it mid-send, at a moment when every message its server accepted is recorded as sent: the
      // server stops answering (the worker's sends hang, their messages never accepted) and the worker
      // finishes recording what went out before. What remains of a kill between the server's "250" and
      // the record (that message is sent again) is the at-least-once no design can close.
      childSmtp.holdReplies();
      await waitFor(
        async () => childSmtp.held > 0 && (await sent(childSmtp.messages.map((m) => m.envelope.to[0]))) === childSmtp.messages.length,
        'the third worker stuck mid-send with everything accepted recorded',
        30_000,
      );
    } finally {
      child.kill('SIGKILL');
      await new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(null) : child.once('exit', done)));
    }
    // What it was sending has no working link: a link exists only for an email that went out.
    expect(await liveTokensOfUnsent()).toBe(0);

    // Its jobs are run again by the other workers (once the queue notices the dead worker's locks
    // lapse, ~30-60 s), which take over its leases at once: no waiting for the 5-minute lease or the
    // 10-minute sweep (nothing here moves leases or calls the sweep).
    await waitFor(
      async () => (await count(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1 AND status = 'sent'`, [id])) === N,
      'every invitation sent',
      150_000,
    );

    expect(await count('SELECT count(*) AS n FROM invitation WHERE campaign_id = $1', [id])).toBe(N);
    expect(await count('SELECT count(DISTINCT customer_id) AS n FROM invitation WHERE campaign_id = $1', [id])).toBe(N);
    expect(await count(`SELECT count(*) AS n FROM marketing_message WHERE campaign_id = $1`, [id])).toBe(N);
    const perCustomer = await db.query(
      `SELECT max(n) AS most FROM (SELECT count(*) AS n FROM marketing_message WHERE customer_id = ANY($1::uuid[]) GROUP BY customer_id) t`,
      [ids],
    );
    expect(Number(perCustomer[0].most)).toBe(1);
    // Every customer got the email exactly once, from one server or the other; each email's link works.
    const delivered = [...recipients('crash-'), ...childSmtp.messages.map((m) => m.envelope.to[0])];
    expect(delivered).toHaveLength(N);
    expect(new Set(delivered).size).toBe(N);
    expect(await count(`SELECT count(DISTINCT t.invitation_id) AS n FROM invitation_token t JOIN invitation i ON i.id = t.invitation_id WHERE i.campaign_id = $1`, [id])).toBe(N);
    expect(await count(`SELECT count(*) AS n FROM invitation_token t JOIN invitation i ON i.id = t.invitation_id WHERE i.campaign_id = $1`, [id])).toBe(N);
  }, 240_000);

  it('holds a frequency cap of 1 while two campaigns race for the same customers', async () => {
    await setCap(1);
    const ids = await seed('cap1-', locations[1], 400);
    const [x, y] = [await campaign('Race X', locations[1]), await campaign('Race Y', locations[1])];
    const launched = await Promise.all([post(`/api/campaigns/${x}/launch`), post(`/api/campaigns/${y}/launch`)]);
    expect(launched.map((r) => r.statusCode)).toEqual([200, 200]);
    await Promise.all(workers.flatMap((w) => [w.get(FanOutCampaign).execute(x), w.get(FanOutCampaign).execute(y)]));
    await waitFor(() => recipients('cap1-').length >= 400, 'one email per customer', 30_000);
    await settled();

    expect(recipients('cap1-')).toHaveLength(400);
    expect(new Set(recipients('cap1-')).size).toBe(400);
    const rows = await db.query(
      `SELECT customer_id, count(*) AS n FROM marketing_message WHERE customer_id = ANY($1::uuid[]) GROUP BY customer_id`,
      [ids],
    );
    expect(rows).toHaveLength(400);
    expect(rows.every((r: { n: string }) => Number(r.n) === 1)).toBe(true);
    // Each customer went to one campaign or the other, and each campaign's slots are its own invitations'.
    expect(await count('SELECT count(*) AS n FROM invitation WHERE customer_id = ANY($1::uuid[])', [ids])).toBe(400);
    const perCampaign = async (table: string) =>
      Object.fromEntries(
        (await db.query(`SELECT campaign_id, count(*) AS n FROM ${table} WHERE customer_id = ANY($1::uuid[]) GROUP BY campaign_id`, [ids])).map(
          (r: { campaign_id: string; n: string }) => [r.campaign_id, Number(r.n)],
        ),
      ) as Record<string, number>;
    const split = await perCampaign('invitation');
    expect(Object.keys(split).every((c) => c === x || c === y)).toBe(true);
    expect(await perCampaign('marketing_message')).toEqual(split);
    expect(await count(`SELECT count(*) AS n FROM invitation WHERE customer_id = ANY($1::uuid[]) AND status = 'sent'`, [ids])).toBe(400);
  }, 60_000);

  it('holds a frequency cap of 2 with three campaigns racing', async () => {
    await setCap(2);
    const ids = await seed('cap2-', locations[2], 300);
    const campaigns = [await campaign('P', locations[2]), await campaign('Q', locations[2]), await campaign('R', locations[2])];
    await Promise.all(campaigns.map((c) => post(`/api/campaigns/${c}/launch`)));
    await Promise.all(workers.flatMap((w) => campaigns.map((c) => w.get(FanOutCampaign).execute(c))));
    await waitFor(() => recipients('cap2-').length >= 600, 'two emails per customer', 30_000);
    await settled();

    expect(recipients('cap2-')).toHaveLength(600);
    const rows = await db.query(`SELECT count(*) AS n FROM marketing_message WHERE customer_id = ANY($1::uuid[]) GROUP BY customer_id`, [ids]);
    expect(rows.map((r: { n: string }) => Number(r.n))).toEqual(Array(300).fill(2));
  }, 60_000);

  it('grants a customer no more slots than the cap when 30 transactions claim at once', async () => {
    const [customer] = await seed('claim-', locations[3], 1);
    const ledger = api.get(MessageLedger);
    const campaignId = randomUUID();
    const granted = await Promise.all(
      Array.from({ length: 30 }, () =>
        db.transaction((m) => ledger.claimMessageSlot(m, { customerId: customer, campaignId, invitationId: randomUUID(), kind: 'invitation' }, 2)),
      ),
    );
    expect(granted.filter(Boolean)).toHaveLength(2);
    expect(await count('SELECT count(*) AS n FROM marketing_message WHERE customer_id = $1', [customer])).toBe(2);
  });
});

/** A worker in its own process (ts-node), resolved once it has started. */
function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const code = "require('reflect-metadata'); require('./src/worker').startWorker(require('./src/config/load-config').loadConfig());";
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`worker process did not start:\n${output}`)), 45_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('goodword worker started')) {
        clearTimeout(timer);
        child.stdout!.off('data', watch);
        child.stdout!.resume();
        child.stderr!.resume();
        done(child);
      }
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`worker process exited (${code ?? signal}):\n${output}`)));
  });
}
