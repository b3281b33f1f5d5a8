import { spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { TestingModule } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { DataSource, In, IsNull } from 'typeorm';
import { OutboxMessage } from '../src/jobs/outbox-message.entity';
import { OutboxRelay } from '../src/jobs/outbox-relay.service';
import { OutboxService } from '../src/jobs/outbox.service';
import { AppConfig } from '../src/config/app-config';
import {
  ECHO_JOB,
  FLAKY_JOB,
  JobProbe,
  JobsSetup,
  JobsTestResources,
  SLOW_JOB,
  sleep,
  UNHANDLED_JOB,
  uniqueTag,
  waitFor,
} from './fakes/jobs-fixtures';
import { deleteRedisKeys } from './support/database';

const resources = new JobsTestResources();
afterAll(() => resources.cleanup());

const SETUPS: JobsSetup[] = [
  { driver: 'in-process', dialect: 'sqlite' },
  { driver: 'in-process', dialect: 'postgres' },
  { driver: 'bullmq', dialect: 'postgres' },
  { driver: 'bullmq', dialect: 'sqlite' },
];

describe.each(SETUPS)('OutboxService ($driver driver, $dialect)', (setup) => {
  let app: TestingModule;
  let sut: OutboxService;
  let probe: JobProbe;
  let dataSource: DataSource;
  const row = (id: string) => dataSource.getRepository(OutboxMessage).findOneByOrFail({ id });

  beforeAll(async () => {
    app = await resources.boot(resources.store(setup));
    sut = app.get(OutboxService);
    probe = app.get(JobProbe);
    dataSource = app.get(DataSource);
  });
  afterAll(() => resources.close(app));

  it('never runs a job added in a rolled-back transaction, and runs a committed one exactly once', async () => {
    const tag = uniqueTag();
    const rowsBefore = await dataSource.getRepository(OutboxMessage).count();

    await expect(
      dataSource.transaction(async (manager) => {
        await sut.add(manager, ECHO_JOB, { n: 1, text: 'rolled back', tag });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const id = await dataSource.transaction((manager) => sut.add(manager, ECHO_JOB, { n: 2, text: 'committed', tag }));
    sut.kick();

    await waitFor(() => probe.tagged(tag).length > 0, 'the committed job');
    await waitFor(async () => (await row(id)).dispatchedAt !== null, 'the row to be marked dispatched');
    await sleep(250); // several relay polls
    const runs = probe.tagged(tag);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ jobId: id, data: { n: 2, text: 'committed', tag } });
    expect(await dataSource.getRepository(OutboxMessage).count()).toBe(rowsBefore + 1);
    expect(await row(id)).toMatchObject({ jobName: 'test.echo', lastError: null });
  });

  it('runs the job once when a row is relayed again (crash after enqueue, before marking it dispatched)', async () => {
    const tag = uniqueTag();
    const id = await dataSource.transaction((manager) => sut.add(manager, ECHO_JOB, { n: 1, text: 'twice relayed', tag }));
    sut.kick();
    await waitFor(() => probe.tagged(tag).length > 0, 'the first relay');
    await waitFor(async () => (await row(id)).dispatchedAt !== null, 'the row to be marked dispatched');

    await dataSource.getRepository(OutboxMessage).update({ id }, { dispatchedAt: null });
    sut.kick();

    await waitFor(async () => (await row(id)).dispatchedAt !== null, 'the second relay');
    await sleep(250);
    expect(probe.tagged(tag)).toHaveLength(1);
  });

  it('keeps the row until the job has ended, and gives a queue that lost it the job again, once', async () => {
    const tag = uniqueTag();
    const id = await dataSource.transaction((manager) => sut.add(manager, ECHO_JOB, { n: 7, text: 'lost and found', tag }));
    sut.kick();
    await waitFor(async () => (await row(id)).completedAt !== null, 'the job to end');
    expect(probe.tagged(tag)).toHaveLength(1);
    if (setup.driver === 'in-process') return; // nothing outside this process can lose it

    const config = app.get(AppConfig);
    const queue = new Queue(ECHO_JOB.name, { connection: { url: config.redisUrl! }, prefix: config.queuePrefix });
    try {
      // A copy of a job that has ended (queued again from a stale read) is skipped.
      await queue.remove(id);
      await queue.add(ECHO_JOB.name, { n: 7, text: 'lost and found', tag }, { jobId: id });
      await waitFor(async () => (await queue.getJobState(id)) === 'completed', 'the copy to be taken');
      expect(probe.tagged(tag)).toHaveLength(1);

      // A job Redis lost before it ended (its row not finished) is queued again by the relay and runs.
      await dataSource.getRepository(OutboxMessage).update({ id }, { completedAt: null });
      await queue.remove(id);
      expect(await app.get(OutboxRelay).requeueDispatched()).toBeGreaterThanOrEqual(1);
      await waitFor(async () => (await row(id)).completedAt !== null, 'the job to end again');
      expect(probe.tagged(tag)).toHaveLength(2);
      // Still in Redis: queueing it again changes nothing.
      await app.get(OutboxRelay).requeueDispatched();
      await waitFor(async () => (await queue.getJobState(id)) === 'completed', 'the job to stay completed');
      expect(probe.tagged(tag)).toHaveLength(2);
    } finally {
      await queue.close();
    }
  });

  it('lets a copy queued while the job still runs (Redis lost its data mid-run) wait for it, then skips it', async () => {
    if (setup.driver === 'in-process') return; // nothing outside this process can lose it
    const tag = uniqueTag();
    const id = await dataSource.transaction((manager) => sut.add(manager, SLOW_JOB, { tag, ms: 1500 }));
    sut.kick();
    await waitFor(() => probe.started.includes(tag), 'the slow job to begin');

    // Redis comes back empty while the job runs; the relay queues every unfinished row again.
    await deleteRedisKeys(`${app.get(AppConfig).queuePrefix}:${SLOW_JOB.name}:*`);
    expect(await app.get(OutboxRelay).requeueDispatched()).toBeGreaterThanOrEqual(1);

    await waitFor(async () => (await row(id)).completedAt !== null, 'the job to end', 15_000);
    await sleep(2500); // the copy looks again after the job ended, and finds it done
    expect(probe.started.filter((t) => t === tag)).toHaveLength(1);
    expect(probe.tagged(tag)).toHaveLength(1);
    expect((await row(id)).runningUntil).toBeNull();
  }, 30_000);

  it('prunes finished rows after 7 days and failed or unfinished ones after 30, never pending ones', async () => {
    const now = Date.now() + 2 * 3600_000; // past any prune the relay's own loop already did
    const daysAgo = (days: number) => new Date(now - days * 24 * 3600_000);
    const repo = dataSource.getRepository(OutboxMessage);
    const base = { jobName: UNHANDLED_JOB.name, payload: { n: 0 }, attempts: 1 };
    const rows = await repo.save([
      repo.create({ ...base, availableAt: daysAgo(9), dispatchedAt: daysAgo(8), completedAt: daysAgo(8), lastError: null }),
      repo.create({ ...base, availableAt: daysAgo(2), dispatchedAt: daysAgo(1), completedAt: daysAgo(1), lastError: null }),
      repo.create({ ...base, availableAt: daysAgo(9), dispatchedAt: daysAgo(8), completedAt: daysAgo(8), lastError: 'failed for good' }),
      repo.create({ ...base, availableAt: daysAgo(40), dispatchedAt: daysAgo(31), completedAt: daysAgo(31), lastError: 'failed for good' }),
      repo.create({ ...base, availableAt: new Date(now + 3600_000), dispatchedAt: null, lastError: null }),
      // Queued but never reported finished: kept as the job's copy (Redis may still run it, or lose it).
      repo.create({ ...base, availableAt: daysAgo(9), dispatchedAt: daysAgo(8), completedAt: null, lastError: null }),
      repo.create({ ...base, availableAt: daysAgo(40), dispatchedAt: daysAgo(31), completedAt: null, lastError: null }),
    ]);
    expect(await app.get(OutboxRelay).pruneIfDue(now)).toBeGreaterThanOrEqual(3);
    const left = new Set((await repo.findBy({ id: In(rows.map((r) => r.id)) })).map((r) => r.id));
    expect(rows.map((r) => left.has(r.id))).toEqual([false, true, true, false, true, true, false]);
  });

  it('holds a row back for delayMs', async () => {
    const tag = uniqueTag();
    const committedAt = performance.now();

    await dataSource.transaction((manager) => sut.add(manager, ECHO_JOB, { n: 1, text: 'later', tag }, { delayMs: 400 }));
    sut.kick();

    await sleep(200);
    expect(probe.tagged(tag)).toHaveLength(0);
    await waitFor(() => probe.tagged(tag).length > 0, 'the delayed job');
    expect(probe.tagged(tag)[0].at - committedAt).toBeGreaterThanOrEqual(390);
  });

  it('retries an outbox job like any job, and records the final failure', async () => {
    const tag = uniqueTag();

    const id = await dataSource.transaction((manager) => sut.add(manager, FLAKY_JOB, { tag, failTimes: 99 }));
    sut.kick();

    await waitFor(() => probe.tagged(tag).length >= 4, 'four tries', 15_000);
    await waitFor(async () => (await row(id)).completedAt !== null, 'the row to be settled');
    await sleep(300);
    expect(probe.tagged(tag).map((run) => run.attempt)).toEqual([1, 2, 3, 4]);
    // The row keeps the final error; `attempts` counts an in-memory job's tries (BullMQ keeps its own).
    expect(await row(id)).toMatchObject({ attempts: setup.driver === 'in-process' ? 4 : 0, lastError: 'Error: flaky failure 4' });
  });

  it('refuses a job no handler is registered for', async () => {
    await expect(dataSource.transaction((manager) => sut.add(manager, UNHANDLED_JOB, { x: 1 }))).rejects.toThrow(
      'no @JobHandler provider for job "test.unhandled"',
    );
  });
});

describe('OutboxRelay in several processes (BullMQ, PostgreSQL)', () => {
  it('runs each of many committed jobs exactly once', async () => {
    const store = resources.store({ driver: 'bullmq', dialect: 'postgres' });
    const [a, b] = [await resources.boot(store), await resources.boot(store)];
    const tag = uniqueTag();
    await a.get(DataSource).transaction(async (manager) => {
      for (let n = 0; n < 300; n++) await a.get(OutboxService).add(manager, ECHO_JOB, { n, text: 'many', tag });
    });
    a.get(OutboxService).kick();
    b.get(OutboxService).kick();

    const runs = () => [...a.get(JobProbe).tagged(tag), ...b.get(JobProbe).tagged(tag)];
    await waitFor(() => runs().length >= 300, 'all jobs');
    await sleep(300);
    const seen = runs().map((run) => (run.data as { n: number }).n);
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
    const pending = await a.get(DataSource).getRepository(OutboxMessage).countBy({ dispatchedAt: IsNull() });
    expect(pending).toBe(0);
    await resources.close(a);
    await resources.close(b);
  });
});

describe('OutboxRelay at shutdown (in-process driver)', () => {
  it('records a job that finished during shutdown, so a restart does not run it again', async () => {
    const store = resources.store({ driver: 'in-process', dialect: 'sqlite' });
    const first = await resources.boot(store);
    const tag = uniqueTag();
    const outbox = first.get(OutboxService);
    const id = await first.get(DataSource).transaction((manager) => outbox.add(manager, SLOW_JOB, { tag, ms: 200 }));
    outbox.kick();
    await waitFor(() => first.get(JobProbe).started.includes(tag), 'the job to start');

    await resources.close(first);

    expect(first.get(JobProbe).tagged(tag)).toHaveLength(1);
    const second = await resources.boot(store);
    expect((await second.get(DataSource).getRepository(OutboxMessage).findOneByOrFail({ id })).dispatchedAt).not.toBeNull();
    await sleep(200);
    expect(second.get(JobProbe).started).toEqual([]);
    await resources.close(second);
  });
});

describe('OutboxRelay while Redis is down', () => {
  it('records the failed dispatch on the row and retries until Redis is back', async () => {
    const port = await freePort();
    const store = resources.store({ driver: 'bullmq', dialect: 'postgres' }, { REDIS_URL: `redis://127.0.0.1:${port}` });
    const app = await resources.boot(store, { jobs: { enqueueTimeoutMs: 200 } });
    const tag = uniqueTag();
    const repository = app.get(DataSource).getRepository(OutboxMessage);
    const outbox = app.get(OutboxService);
    const id = await repository.manager.transaction((manager) => outbox.add(manager, ECHO_JOB, { n: 1, text: 'waits', tag }));
    outbox.kick();

    await waitFor(async () => (await repository.findOneByOrFail({ id })).attempts >= 1, 'a failed dispatch');
    const failed = await repository.findOneByOrFail({ id });
    expect(failed.dispatchedAt).toBeNull();
    expect(failed.lastError).toContain('timed out');
    expect(failed.availableAt.getTime()).toBeGreaterThan(failed.createdAt.getTime());

    // A real Redis on that port: the same process reconnects, the relay's retry goes through, the worker runs it.
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    try {
      const probe = app.get(JobProbe);
      await waitFor(() => probe.tagged(tag).length > 0, 'the job once Redis is up', 20_000);
      await waitFor(async () => (await repository.findOneByOrFail({ id })).dispatchedAt !== null, 'dispatch');
      expect(probe.tagged(tag)).toHaveLength(1);
      expect(await repository.findOneByOrFail({ id })).toMatchObject({ lastError: null });
      await resources.close(app);
    } finally {
      redis.kill();
    }
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
