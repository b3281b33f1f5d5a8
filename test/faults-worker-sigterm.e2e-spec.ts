import { Queue } from 'bullmq';
import { JobQueue } from '../src/jobs/job-queue.service';
import { SEND_EMAIL_JOB, SendEmailData } from '../src/notifications/send-email.job';
import { deleteRedisKeys, waitFor } from './fakes/jobs-fixtures';
import { createTestAppFromEnv, TestApp, testEnv } from './support/app';
import { REDIS_URL } from './support/database';
import { NodeProcess } from './support/processes';
import { TestSmtpServer } from './support/smtp-server';

const EMAILS = 30;

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
    const emails: SendEmailData[] = Array.from({ length: EMAILS }, (_, i) => ({
      to: `reader${i}@example.com`,
      template: 'test',
      subject: `Message ${i}`,
      context: { name: `Reader ${i}` },
      kind: 'transactional',
    }));
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
