import { Injectable } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { defineJob, JobContext, JobProcessor } from '../src/jobs/job';
import { JobHandler } from '../src/jobs/job-handler.decorator';
import { JobQueue } from '../src/jobs/job-queue.service';
import {
  DriverKind,
  ECHO_JOB,
  EchoData,
  FLAKY_JOB,
  JobProbe,
  JobsTestResources,
  SLOW_JOB,
  sleep,
  UNHANDLED_JOB,
  uniqueTag,
  waitFor,
} from './fakes/jobs-fixtures';
import { REDIS_URL } from './support/database';

const resources = new JobsTestResources();
afterAll(() => resources.cleanup());

// BullMQ runs on PostgreSQL (the scale-out setup), the in-process driver on SQLite (the default).
const SETUPS: { driver: DriverKind; dialect: 'postgres' | 'sqlite' }[] = [
  { driver: 'in-process', dialect: 'sqlite' },
  { driver: 'bullmq', dialect: 'postgres' },
];

describe.each(SETUPS)('JobQueue ($driver driver)', (setup) => {
  let app: TestingModule;
  let sut: JobQueue;
  let probe: JobProbe;

  beforeAll(async () => {
    app = await resources.boot(resources.store(setup));
    sut = app.get(JobQueue);
    probe = app.get(JobProbe);
  });
  afterAll(() => resources.close(app));

  it('runs a job once with its typed data', async () => {
    const tag = uniqueTag();
    const data: EchoData = { n: 7, text: 'héllo, wörld', tag, nested: { list: [1, 2, 3], flag: true } };

    await sut.enqueue(ECHO_JOB, data);

    await waitFor(() => probe.tagged(tag).length > 0, 'the job to run');
    await sleep(150);
    const runs = probe.tagged(tag);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ job: 'test.echo', attempt: 1, ok: true, data });
    expect(runs[0].jobId).toEqual(expect.any(String));
  });

  it('retries a failing job with doubling backoff until a later try succeeds', async () => {
    const tag = uniqueTag();

    await sut.enqueue(FLAKY_JOB, { tag, failTimes: 3 });

    await waitFor(() => probe.tagged(tag).some((run) => run.ok), 'a successful try', 15_000);
    const runs = probe.tagged(tag);
    expect(runs.map((run) => [run.attempt, run.ok])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect(new Set(runs.map((run) => run.jobId)).size).toBe(1);
    // backoffMs 25 doubling: at least ~25, ~50, ~100 ms between tries. Lower bounds only: a busy machine adds time
    // to any gap (CI once saw 125 ms before the second try and 107 ms before the fourth), so gaps aren't compared.
    // The exact delays are unit-tested against BullMQ's own calculation (job-defaults.spec.ts).
    const gaps = runs.slice(1).map((run, i) => run.at - runs[i].at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(25 * 2 ** i * 0.9));
  });

  it('stops after the last attempt', async () => {
    const tag = uniqueTag();

    await sut.enqueue(FLAKY_JOB, { tag, failTimes: 99 });

    await waitFor(() => probe.tagged(tag).length >= 4, 'four tries', 15_000);
    await sleep(400); // a fifth try would come ~200 ms after the fourth
    expect(probe.tagged(tag).map((run) => [run.attempt, run.ok])).toEqual([[1, false], [2, false], [3, false], [4, false]]);
  });

  it('runs a job enqueued several times with one jobId once', async () => {
    const tag = uniqueTag();
    const jobId = `dedupe-${tag}`;
    const data = { n: 1, text: 'once', tag };

    await Promise.all([sut.enqueue(ECHO_JOB, data, { jobId }), sut.enqueue(ECHO_JOB, { ...data, n: 2 }, { jobId })]);
    await sut.enqueueMany(ECHO_JOB, [{ data: { ...data, n: 3 }, opts: { jobId } }]);
    await waitFor(() => probe.tagged(tag).length > 0, 'the job to run');
    await sut.enqueue(ECHO_JOB, { ...data, n: 4 }, { jobId }); // after it finished: still the same job
    await sleep(200);

    const runs = probe.tagged(tag);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ jobId, data: { n: 1 } });
  });

  it('fans out many jobs with enqueueMany', async () => {
    const tag = uniqueTag();
    const items = Array.from({ length: 200 }, (_, n) => ({ data: { n, text: 'fan-out', tag } }));

    await sut.enqueueMany(ECHO_JOB, items);

    await waitFor(() => probe.tagged(tag).length >= 200, 'all fan-out jobs');
    await sleep(100);
    const seen = probe.tagged(tag).map((run) => (run.data as EchoData).n);
    expect(seen.sort((a, b) => a - b)).toEqual(items.map((item) => item.data.n));
  });

  it('holds a job back for delayMs', async () => {
    const tag = uniqueTag();
    const enqueuedAt = performance.now();

    await sut.enqueue(ECHO_JOB, { n: 1, text: 'later', tag }, { delayMs: 200 });

    await waitFor(() => probe.tagged(tag).length > 0, 'the delayed job');
    expect(probe.tagged(tag)[0].at - enqueuedAt).toBeGreaterThanOrEqual(190);
  });

  it('refuses a job no handler is registered for, and ids BullMQ would reject', async () => {
    await expect(sut.enqueue(UNHANDLED_JOB, { x: 1 })).rejects.toThrow('no @JobHandler provider for job "test.unhandled"');
    await expect(sut.enqueue(ECHO_JOB, { n: 1, text: '', tag: 'x' }, { jobId: 'user:1' })).rejects.toThrow('jobId');
    await expect(sut.enqueue(ECHO_JOB, { n: 1, text: '', tag: 'x' }, { jobId: '42' })).rejects.toThrow('jobId');
  });
});

describe.each(SETUPS)('shutdown ($driver driver)', (setup) => {
  it('lets a running job finish before the app closes (SIGTERM drains)', async () => {
    const app = await resources.boot(resources.store(setup));
    const probe = app.get(JobProbe);
    const tag = uniqueTag();
    await app.get(JobQueue).enqueue(SLOW_JOB, { tag, ms: 300 });
    await waitFor(() => probe.started.includes(tag), 'the slow job to start');

    await resources.close(app);

    expect(probe.tagged(tag)).toMatchObject([{ ok: true }]);
  });
});

@Injectable()
@JobHandler(ECHO_JOB)
class SecondEchoProcessor implements JobProcessor<EchoData> {
  async process(_data: EchoData, _context: JobContext): Promise<void> {}
}

describe('JobsModule startup', () => {
  it('refuses to start with two handlers for one job', async () => {
    const store = resources.store({ driver: 'in-process', dialect: 'sqlite' });
    await expect(resources.boot(store, { providers: [SecondEchoProcessor] })).rejects.toThrow(
      'job "test.echo" has two handlers: EchoProcessor and SecondEchoProcessor',
    );
  });
});

describe('process roles (BullMQ)', () => {
  it('an api process only produces; a worker process sharing Redis runs the job', async () => {
    const store = resources.store({ driver: 'bullmq', dialect: 'postgres' });
    const tag = uniqueTag();
    const api = await resources.boot(store, { env: { GOODWORD_ROLE: 'api' } });
    await api.get(JobQueue).enqueue(ECHO_JOB, { n: 1, text: 'to the worker', tag });
    await sleep(300);
    expect(api.get(JobProbe).tagged(tag)).toHaveLength(0);

    const worker = await resources.boot(store, { env: { GOODWORD_ROLE: 'worker' } });
    const probe = worker.get(JobProbe);
    await waitFor(() => probe.tagged(tag).length > 0, 'the worker to run the job');
    expect(api.get(JobProbe).tagged(tag)).toHaveLength(0);
    await resources.close(api);
    await resources.close(worker);
  });
});

interface FailingData {
  tag: string;
  message: string;
}
const FAILING_JOB = defineJob<FailingData>('test.failing', { attempts: 1 });

/** Fails as a database driver error would: values in the message and in `detail`. */
@Injectable()
@JobHandler(FAILING_JOB)
class FailingProcessor implements JobProcessor<FailingData> {
  async process(data: FailingData): Promise<void> {
    throw Object.assign(new Error(data.message), { code: '23505', detail: 'Key (email)=(ana@example.com) already exists.' });
  }
}

describe('what BullMQ keeps in Redis of a failed try', () => {
  it('the error by name and safe message: no values, no email addresses', async () => {
    const store = resources.store({ driver: 'bullmq', dialect: 'postgres' });
    const app = await resources.boot(store, { providers: [FailingProcessor] });
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      const jobId = `failing-${uniqueTag()}`;
      await app.get(JobQueue).enqueue(FAILING_JOB, { tag: jobId, message: 'no mailbox for ana@example.com' }, { jobId });
      const key = `${store.env.QUEUE_PREFIX}:${FAILING_JOB.name}:${jobId}`;
      await waitFor(async () => !!(await redis.hget(key, 'failedReason')), 'the failed try to be recorded');
      const [failedReason, stacktrace] = await redis.hmget(key, 'failedReason', 'stacktrace');
      expect(failedReason).toBe('no mailbox for [email]');
      expect(stacktrace).toContain('no mailbox for [email]');
      expect(`${failedReason} ${stacktrace}`).not.toMatch(/ana@example\.com|Key \(email\)/);
    } finally {
      redis.disconnect();
      await resources.close(app);
    }
  });
});
