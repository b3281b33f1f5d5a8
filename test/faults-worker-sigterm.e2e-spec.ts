import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DataSource, IsNull, Not } from 'typeorm';
import { AppModule } from '../src/app.module';
import { cliActor } from '../src/common/actor';
import { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { OutboxMessage } from '../src/jobs/outbox-message.entity';
import { OutboxService } from '../src/jobs/outbox.service';
import { LocationsService } from '../src/locations/locations.service';
import { JobQueue } from '../src/jobs/job-queue.service';
import { SEND_EMAIL_JOB, SendEmailData } from '../src/notifications/send-email.job';
import { waitFor } from './fakes/jobs-fixtures';
import { createTestAppFromEnv, TestApp, testEnv } from './support/app';
import { deleteRedisKeys, REDIS_URL } from './support/database';
import { NodeProcess } from './support/processes';
import { freePort } from './support/redis-server';
import { TestSmtpServer } from './support/smtp-server';

const EMAILS = 30;

const emailsTo = (count: number): SendEmailData[] =>
  Array.from({ length: count }, (_, i) => ({
    to: `reader${i}@example.com`,
    template: 'test',
    subject: `Message ${i}`,
    context: { name: `Reader ${i}` },
    kind: 'transactional',
  }));

/**
 * A worker stopped with SIGTERM (a deploy) finishes the sends it is running before it closes the mail
 * pool: none of them fails and waits for a retry minutes later, and each email goes out exactly once.
 */
describe('a worker stopped with SIGTERM mid-send', () => {
  let smtp: TestSmtpServer;
  let api: TestApp;
  let env: Record<string, string>;
  const workers: NodeProcess[] = [];

  beforeAll(async () => {
    // Each message takes a while to be accepted, so sends are in flight when the signal comes.
    smtp = await TestSmtpServer.start({ dataDelayMs: 700 });
    const made = testEnv({ dialect: 'postgres', redis: true, env: { SMTP_URL: smtp.url } });
    env = made.env;
    api = await createTestAppFromEnv({ ...env, GOODWORD_ROLE: 'api' }, made.schema);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await api?.close();
    await smtp?.close();
    await deleteRedisKeys(`${env.QUEUE_PREFIX}:*`);
  });

  const startWorker = () => {
    const worker = new NodeProcess('src/worker.ts', { ...env, GOODWORD_ROLE: 'worker' });
    workers.push(worker);
    return worker;
  };

  it('finishes its running send jobs, then the next worker sends the rest, each email once', async () => {
    const emails = emailsTo(EMAILS);
    await api.app.get(JobQueue).enqueueMany(SEND_EMAIL_JOB, emails.map((data) => ({ data })));

    const first = startWorker();
    await waitFor(() => smtp.dataStarted >= 3, 'sends in flight', 60_000);
    first.kill('SIGTERM');
    const exit = await first.exited;
    expect({ exit, stderr: first.stderr }).toEqual({ exit: { code: null, signal: 'SIGTERM' }, stderr: '' }); // Nest re-raises the signal after its shutdown hooks

    // Everything the worker took was sent, and no job failed and was put back for a retry.
    const queue = new Queue(SEND_EMAIL_JOB.name, { connection: { url: REDIS_URL }, prefix: env.QUEUE_PREFIX });
    try {
      const counts = await queue.getJobCounts('completed', 'failed', 'delayed', 'active', 'wait');
      expect(counts.completed).toBeGreaterThan(0);
      expect({ ...counts, received: smtp.messages.length }).toEqual({
        completed: smtp.messages.length,
        failed: 0,
        delayed: 0,
        active: 0,
        wait: EMAILS - smtp.messages.length,
        received: smtp.messages.length,
      });
    } finally {
      await queue.close();
    }

    startWorker();
    await smtp.waitFor(EMAILS, 60_000);
    await waitFor(async () => {
      const queue = new Queue(SEND_EMAIL_JOB.name, { connection: { url: REDIS_URL }, prefix: env.QUEUE_PREFIX });
      const { completed } = await queue.getJobCounts('completed');
      await queue.close();
      return completed === EMAILS;
    }, 'every job to complete', 30_000);
    const recipients = smtp.messages.map((m) => m.envelope.to[0]).sort();
    expect(recipients).toEqual(emails.map((e) => e.to).sort());
  }, 120_000);
});

/** The default single process (SQLite, in-process jobs): the same shutdown order, with its jobs in the outbox. */
describe('the single process (SQLite, in-process jobs) stopped with SIGTERM mid-send', () => {
  const COUNT = 20;
  const CONCURRENCY = 10; // send-email jobs one process runs at once (job defaults)
  let smtp: TestSmtpServer;
  let env: Record<string, string>;
  const servers: NodeProcess[] = [];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start({ dataDelayMs: 700 });
    env = testEnv({ dialect: 'sqlite', env: { SMTP_URL: smtp.url, PORT: String(await freePort()) } }).env;
    // Write the jobs into the outbox from a producer-only context (as the CLI does): nothing here runs them.
    const producer = await NestFactory.createApplicationContext(
      AppModule.forRoot(new AppConfig({ ...loadConfig(env), role: 'api' } as AppConfig)),
      { logger: false },
    );
    await producer.get(LocationsService).create(cliActor('test'), { code: 'SIG-1', name: 'Not a fresh install' }); // no demo data
    const outbox = producer.get(OutboxService);
    await producer.get(DataSource).transaction(async (manager) => {
      for (const email of emailsTo(COUNT)) await outbox.add(manager, SEND_EMAIL_JOB, email);
    });
    await producer.close();
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await smtp?.close();
  });

  const start = () => {
    const server = new NodeProcess('src/main.ts', env);
    servers.push(server);
    return server;
  };

  it('finishes every send it was running, leaves the rest in the outbox, and the restart sends those, each email once', async () => {
    const first = start();
    await waitFor(() => smtp.dataStarted >= 3, 'sends in flight', 60_000);
    first.kill('SIGTERM');
    expect((await first.exited).signal).toBe('SIGTERM');

    const db = await new DataSource(buildDataSourceOptions({ dataDir: env.DATA_DIR })).initialize();
    try {
      const outbox = db.getRepository(OutboxMessage);
      // Every job that was running when the signal came finished; none was cut off and left for a re-run.
      const sent = smtp.messages.length;
      expect(sent).toBeGreaterThanOrEqual(CONCURRENCY);
      expect(await outbox.countBy({ completedAt: Not(IsNull()), lastError: IsNull() })).toBe(sent);
      expect(await outbox.countBy({ completedAt: IsNull(), attempts: 0, lastError: IsNull() })).toBe(COUNT - sent);
    } finally {
      await db.destroy();
    }

    const second = start();
    await smtp.waitFor(COUNT, 60_000);
    second.kill('SIGTERM');
    await second.exited;
    const recipients = smtp.messages.map((m) => m.envelope.to[0]).sort();
    expect(recipients).toEqual(emailsTo(COUNT).map((e) => e.to).sort());
  }, 120_000);
});
