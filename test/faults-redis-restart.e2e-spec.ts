import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { LocationsService } from '../src/locations/locations.service';
import { ALL_DAY, seedCustomers, staffHeader } from './campaign-fixtures';
import { waitFor } from './fakes/jobs-fixtures';
import { csv, csvRow, daysAgo } from './feedback-fixtures';
import { createTestAppFromEnv, TestApp, testEnv } from './support/app';
import { TestRedisServer } from './support/redis-server';
import { TestSmtpServer } from './support/smtp-server';

const ALERTS = 200;
// More send jobs (25 each) than a worker runs at once (10): some wait in Redis when it restarts.
const INVITATIONS = 500;
const actor = cliActor('test');

/**
 * Redis without persistence restarts mid-work and comes back empty. Outbox jobs (detractor alerts, the
 * launch's fan-out) are kept in the database until they have run, and are queued again; invite batches
 * and send jobs are found again by an immediate campaign tick. Every email goes out exactly once.
 */
describe('a Redis that restarts empty mid-work', () => {
  let redis: TestRedisServer;
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    // Slow acceptance spreads the emails over a few seconds, so the restart lands in the middle.
    smtp = await TestSmtpServer.start({ dataDelayMs: 40 });
    const { env, schema } = testEnv({ dialect: 'postgres', env: { REDIS_URL: redis.url, SMTP_URL: smtp.url } });
    t = await createTestAppFromEnv(env, schema);
    db = t.app.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await redis?.kill();
  });
  beforeEach(() => smtp.clear());

  it('sends every detractor alert of a burst exactly once', async () => {
    await t.app.get(LocationsService).create(actor, { code: 'ALR-1', name: 'Alerts', managerEmail: 'manager@example.com' });
    const rows = Array.from({ length: ALERTS }, (_, i) =>
      csvRow(`AL-${i}`, `unhappy${i}@example.com`, 'ALR-1', 2, `Unhappy ${i}`, '', `complaint-${i}-end`, daysAgo(1), '', 'yes'),
    );
    const result = await t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'burst.csv', input: Readable.from([csv(...rows)]), actor });
    expect(result.alerts).toBe(ALERTS);

    await waitFor(() => smtp.messages.length >= 20, 'the burst to be under way', 30_000);
    await redis.restart();
    expect(smtp.messages.length).toBeLessThan(ALERTS); // the restart came mid-burst

    await smtp.waitFor(ALERTS, 120_000);
    await waitFor(
      async () => Number((await db.query(`SELECT count(*) AS n FROM job_outbox WHERE completed_at IS NULL`))[0].n) === 0,
      'every outbox job to end',
      60_000,
    );
    const complaints = smtp.messages.map((m) => /complaint-(\d+)-end/.exec(m.parsed.text ?? '')?.[1]);
    expect(complaints.filter((c) => c === undefined)).toEqual([]);
    expect(new Set(complaints).size).toBe(ALERTS);
    expect(smtp.messages).toHaveLength(ALERTS);
  }, 180_000);

  it('sends every invitation of a campaign exactly once', async () => {
    const location = await t.app.get(LocationsService).create(actor, { code: 'INV-1', name: 'Invites' });
    await seedCustomers(
      db,
      Array.from({ length: INVITATIONS }, (_, i) => ({ email: `fan${i}@example.com`, score: 10, consent: true, location, name: `Fan ${i}` })),
    );
    const { headers } = await staffHeader(t.app, 'marketer');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { name: 'Restart', locations: ['INV-1'], sendingHours: ALL_DAY, lookBackDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await t.app.inject({ method: 'POST', url: `/api/campaigns/${id}/launch`, headers })).statusCode).toBe(200);

    await waitFor(() => smtp.messages.length >= 20, 'the sends to be under way', 30_000);
    await redis.restart();
    expect(smtp.messages.length).toBeLessThan(INVITATIONS);

    await smtp.waitFor(INVITATIONS, 120_000);
    await waitFor(
      async () => Number((await db.query(`SELECT count(*) AS n FROM invitation WHERE campaign_id = $1 AND status = 'sent'`, [id]))[0].n) === INVITATIONS,
      'every invitation marked sent',
      60_000,
    );
    const recipients = smtp.messages.map((m) => m.envelope.to[0]);
    expect(new Set(recipients).size).toBe(INVITATIONS);
    expect(recipients).toHaveLength(INVITATIONS);
  }, 180_000);
});
