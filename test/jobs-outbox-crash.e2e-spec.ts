import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { OutboxMessage } from '../src/jobs/outbox-message.entity';
import { OutboxService } from '../src/jobs/outbox.service';
import { JobProbe, JobsSetup, JobsTestResources, sleep, uniqueTag, waitFor } from './fakes/jobs-fixtures';

const resources = new JobsTestResources();
afterAll(() => resources.cleanup());

const ROOT = resolve(__dirname, '..');

interface ChildResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/fakes/jobs-outbox-crash.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

const SETUPS: JobsSetup[] = [
  { driver: 'bullmq', dialect: 'postgres' },
  { driver: 'in-process', dialect: 'sqlite' },
];

describe.each(SETUPS)('the outbox ($driver driver, $dialect)', (setup) => {
  it('survives a kill between commit and enqueue', async () => {
    const store = resources.store(setup);
    const tag = uniqueTag();
    const probeFile = join(store.dataDir, 'child-runs.jsonl');

    const child = await runChild({ ...store.env, JOBS_PROBE_FILE: probeFile, JOBS_CRASH_TAG: tag });

    expect({ signal: child.signal, stderr: child.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const { outboxId } = JSON.parse(child.stdout) as { outboxId: string };
    expect(existsSync(probeFile)).toBe(false); // the child never ran the job

    // A fresh process on the same database (and Redis prefix), relay poll off until the checks are done.
    const app = await resources.boot(store, { jobs: { outboxPollIntervalMs: false } });
    const dataSource = app.get(DataSource);
    const markers = await dataSource.query('SELECT tag FROM jobs_crash_marker');
    expect(markers).toEqual([{ tag }]);
    const repository = dataSource.getRepository(OutboxMessage);
    expect(await repository.findOneByOrFail({ id: outboxId })).toMatchObject({
      jobName: 'test.echo',
      dispatchedAt: null,
      attempts: 0,
    });

    app.get(OutboxService).kick();

    const probe = app.get(JobProbe);
    await waitFor(() => probe.tagged(tag).length > 0, 'the job after the restart');
    await waitFor(async () => (await repository.findOneByOrFail({ id: outboxId })).dispatchedAt !== null, 'the row to be marked');
    app.get(OutboxService).kick();
    await sleep(300);
    expect(probe.tagged(tag)).toMatchObject([{ jobId: outboxId, attempt: 1, data: { n: 42, text: 'survives a crash', tag } }]);
    await resources.close(app);
  }, 30_000);
});
