/**
 * Child process for test/jobs-outbox-crash.e2e-spec.ts: boots JobsModule with the relay's poll off,
 * commits a marker row and an outbox message in one transaction, reports the row id, and dies by
 * SIGKILL before anything could hand the message to a queue.
 *
 * Env: the app's (DATA_DIR, DATABASE_URL, REDIS_URL, QUEUE_PREFIX) plus JOBS_PROBE_FILE, where the
 * test processors would log a run (they must not get to).
 */
import 'reflect-metadata';
import { writeSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { OutboxService } from '../../src/jobs/outbox.service';
import { ECHO_JOB, JobProbe, JobsTestResources } from './jobs-fixtures';

async function main(): Promise<void> {
  const resources = new JobsTestResources();
  const app = await resources.boot(
    { env: process.env as Record<string, string>, dataDir: process.env.DATA_DIR! },
    { jobs: { outboxPollIntervalMs: false }, probe: new JobProbe(process.env.JOBS_PROBE_FILE) },
  );
  const dataSource = app.get(DataSource);
  const outbox = app.get(OutboxService);
  const tag = process.env.JOBS_CRASH_TAG!;
  const param = dataSource.options.type === 'postgres' ? '$1' : '?';

  await dataSource.query('CREATE TABLE IF NOT EXISTS jobs_crash_marker (tag varchar(64) PRIMARY KEY)');
  const outboxId = await dataSource.transaction(async (manager) => {
    await manager.query(`INSERT INTO jobs_crash_marker (tag) VALUES (${param})`, [tag]);
    return outbox.add(manager, ECHO_JOB, { n: 42, text: 'survives a crash', tag });
  });
  // Synchronous write: the report must be out before the kill, which no buffered stream survives.
  writeSync(1, JSON.stringify({ outboxId }) + '\n');
  process.kill(process.pid, 'SIGKILL');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
