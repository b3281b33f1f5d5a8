import { DataSource } from 'typeorm';
import { ALL_DAY, seedCustomers, staffHeader } from './campaign-fixtures';
import { waitFor } from './fakes/jobs-fixtures';
import { createTestAppFromEnv, Dialect, TestApp, testEnv } from './support/app';
import { LocationsService } from '../src/locations/locations.service';
import { cliActor } from '../src/common/actor';
import { NodeProcess } from './support/processes';
import { TestSmtpServer } from './support/smtp-server';

const CUSTOMERS = 60;

/** PostgreSQL with BullMQ (the production shape) and SQLite with in-process jobs (the default). */
describe.each<Dialect>(['postgres', 'sqlite'])('a process killed as it launches a campaign (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let env: Record<string, string>;
  let schema: string | undefined;
  let t: TestApp;
  let child: NodeProcess | undefined;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    ({ env, schema } = testEnv({ dialect, redis: dialect === 'postgres', env: { SMTP_URL: smtp.url } }));
    t = await createTestAppFromEnv(env, schema);
  }, 60_000);
  afterAll(async () => {
    await child?.stop();
    await t?.close();
    await smtp?.close();
  });

  it('sends every invitation exactly once after the restart', async () => {
    const location = await t.app.get(LocationsService).create(cliActor('test'), { code: 'KIL-1', name: 'Killed' });
    await seedCustomers(
      t.app.get(DataSource),
      Array.from({ length: CUSTOMERS }, (_, i) => ({ email: `launch${i}@example.com`, score: 9, consent: true, location, name: `L ${i}` })),
    );
    const { headers } = await staffHeader(t.app, 'marketer');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { name: 'Killed at launch', locations: ['KIL-1'], sendingHours: ALL_DAY, lookBackDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const id: string = created.json().id;
    await t.stop();

    child = new NodeProcess('test/fakes/launch-crash-child.ts', { ...env, CAMPAIGN_ID: id });
    const exit = await child.exited;
    expect({ exit, stdout: child.stdout, stderr: child.stderr }).toEqual({
      exit: { code: null, signal: 'SIGKILL' },
      stdout: 'running\n',
      stderr: '',
    });

    t = await createTestAppFromEnv(env, schema);
    const db = t.app.get(DataSource);
    const p = dialect === 'postgres' ? '$1' : '?';
    await smtp.waitFor(CUSTOMERS, 60_000);
    await waitFor(
      async () => Number((await db.query(`SELECT count(*) AS n FROM invitation WHERE campaign_id = ${p} AND status = 'sent'`, [id]))[0].n) === CUSTOMERS,
      'every invitation marked sent',
      30_000,
    );
    const recipients = smtp.messages.map((m) => m.envelope.to[0]);
    expect(new Set(recipients).size).toBe(CUSTOMERS);
    expect(recipients).toHaveLength(CUSTOMERS);
  }, 120_000);
});
