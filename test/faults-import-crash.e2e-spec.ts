import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { FeedbackImport } from '../src/feedback/feedback-import.entity';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { ImportsRepository } from '../src/feedback/imports.repository';
import { IMPORT_INTERRUPTED_MESSAGE, InterruptedImports } from '../src/feedback/interrupted-imports';
import { waitFor } from './fakes/jobs-fixtures';
import { csv, csvRow, daysAgo, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestAppFromEnv, Dialect, TestApp, testEnv } from './support/app';
import { alertText } from './support/form-browser';
import { NodeProcess } from './support/processes';

const ROWS = 6000; // a first batch (5,000) is committed, the rest never arrives
const actor = cliActor('test');

describe.each<Dialect>(['postgres', 'sqlite'])('an import whose process dies (%s)', (dialect) => {
  const { env, schema } = testEnv({ dialect });
  let t: TestApp;
  let staff: Staff;
  let child: NodeProcess | undefined;

  beforeAll(async () => {
    t = await createTestAppFromEnv(env, schema);
    staff = await seedStaff(t);
    await t.stop(); // the killed process below is the only one on the database
  }, 60_000);
  afterAll(async () => {
    await child?.stop();
    await t?.close();
  });

  it('is marked interrupted when the app starts again, the page says to import the file again, and that finishes it', async () => {
    const id = randomUUID();
    const lines = csv(
      ...Array.from({ length: ROWS }, (_, i) => csvRow(`CR-${i}`, `crash${i}@example.com`, OWN, i % 11, `Name ${i}`, '', '', daysAgo(30), '', 'yes')),
    ).split('\n');
    child = new NodeProcess('test/fakes/import-crash-child.ts', { ...env, IMPORT_ID: id });
    child.stdin.write(lines.slice(0, 5501).join('\n') + '\n'); // header + 5,500 rows, and the stream stays open

    const db = await new DataSource(buildDataSourceOptions({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR })).initialize();
    try {
      const progress = async () => (await db.getRepository(FeedbackImport).findOneBy({ id }))?.rows ?? 0;
      await waitFor(async () => (await progress()) >= 5000, 'a batch to be committed', 60_000);
      child.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      expect(await db.getRepository(FeedbackImport).findOneByOrFail({ id })).toMatchObject({ status: 'running', rows: 5000 });
    } finally {
      await db.destroy();
    }

    t = await createTestAppFromEnv(env, schema);
    // Marked at start, before anyone asks.
    const marked = await t.app.get(DataSource).getRepository(FeedbackImport).findOneByOrFail({ id });
    expect(marked).toMatchObject({ status: 'failed', error: IMPORT_INTERRUPTED_MESSAGE, rows: 5000 });
    expect(marked.finishedAt).not.toBeNull();

    const api = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: staff.marketer });
    expect(api.json()).toMatchObject({ status: 'failed', error: IMPORT_INTERRUPTED_MESSAGE });
    const page = await t.app.inject({ method: 'GET', url: `/dashboard/feedback/imports/${id}`, headers: staff.marketer });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('data-import-id'); // nothing left to poll
    expect(alertText(page.body)).toMatch(/The import was interrupted before the end of the file.*To finish it, import the same file again/s);

    // The same file again converges: what was written is recognised, the rest is added.
    const again = await t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'crash.csv', input: Readable.from([lines.join('\n')]), actor });
    expect(again).toMatchObject({ status: 'done', rows: ROWS, accepted: ROWS, created: ROWS - 5000, unchanged: 5000, rejected: 0 });
  }, 120_000);

  it('leaves imports of live processes alone and marks those without a heartbeat or whose process is gone', async () => {
    const repository = t.app.get(ImportsRepository);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const cases = [
      { owner: 'another-host/4242/b00tb00t', heartbeatAt: new Date(), interrupted: false },
      { owner: 'another-host/4242/b00tb00t', heartbeatAt: tenMinutesAgo, interrupted: true },
      { owner: `${hostname()}/${process.pid}/an-earlier-boot`, heartbeatAt: new Date(), interrupted: true },
    ];
    const ids: string[] = [];
    for (const c of cases) {
      const id = randomUUID();
      await repository.create({ id, source: 'api', filename: null, actorType: 'system', actorId: null });
      await t.app.get(DataSource).getRepository(FeedbackImport).update({ id }, { owner: c.owner, heartbeatAt: c.heartbeatAt });
      ids.push(id);
    }
    const own = randomUUID();
    await repository.create({ id: own, source: 'api', filename: null, actorType: 'system', actorId: null }); // this process, alive

    const swept = await t.app.get(InterruptedImports).sweep();
    expect(ids.map((id) => swept.includes(id))).toEqual(cases.map((c) => c.interrupted));
    expect(swept).not.toContain(own);
    const statuses = await Promise.all([...ids, own].map(async (id) => (await repository.findById(id))!.status));
    expect(statuses).toEqual(['running', 'failed', 'failed', 'running']);
  });
});
