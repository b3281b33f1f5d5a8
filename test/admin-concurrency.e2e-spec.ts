import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/users/users.service';
import { staffHeader, waitFor } from './campaign-fixtures';
import { createTestApp, TestApp } from './support/app';
import { POSTGRES_URL } from './support/database';

/** The two admins deactivate each other over real HTTP, at the same time. */
async function deactivateEachOther(t: TestApp, race?: { hold(): Promise<void>; release(): Promise<void> }) {
  const first = await staffHeader(t.app, 'admin');
  const second = await staffHeader(t.app, 'admin');
  const db = t.app.get(DataSource);
  const idOf = async (email: string) => (await t.app.get(UsersService).findByEmail(email))!.id;
  const [firstId, secondId] = [await idOf(first.email), await idOf(second.email)];
  const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const patch = (id: string, headers: Record<string, string>) =>
    fetch(`${base}/api/users/${id}`, { method: 'PATCH', headers: { ...headers, 'content-type': 'application/json' }, body: '{"active":false}' }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as { message: string[] } }),
    );
  await race?.hold();
  const requests = Promise.all([patch(secondId, first.headers), patch(firstId, second.headers)]);
  await race?.release();
  const results = await requests;
  const activeAdmins = Number(
    (await db.query(`SELECT count(*) AS n FROM staff_user WHERE role = 'admin' AND active = ${db.options.type === 'postgres' ? 'true' : '1'}`))[0].n,
  );
  return { results: results.sort((a, b) => a.status - b.status), activeAdmins };
}

describe('two admins deactivating each other at once (PostgreSQL)', () => {
  let t: TestApp;
  let blocker: Client;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    blocker = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${t.schema}` });
    await blocker.connect();
  });
  afterAll(async () => {
    await blocker?.end();
    await t?.close();
  });

  it('exactly one succeeds, one admin remains, the other gets 409', async () => {
    // Hold the admins' rows so both requests are provably inside their transactions, waiting on the
    // same rows, before either can go on: then let them race.
    const { results, activeAdmins } = await deactivateEachOther(t, {
      async hold() {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT id FROM staff_user WHERE role = 'admin' FOR UPDATE`);
      },
      async release() {
        const [{ pid }] = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows;
        // Waiting on the blocker, or queued behind a session that is (a row's second waiter waits on the first).
        const waiting = `WITH direct AS (SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)))
          SELECT count(*) AS n FROM pg_stat_activity a
          WHERE a.pid IN (SELECT pid FROM direct) OR pg_blocking_pids(a.pid) && ARRAY(SELECT pid FROM direct)`;
        await waitFor(async () => Number((await blocker.query(waiting, [pid])).rows[0].n) >= 2, 'both requests to wait on the admin rows');
        await blocker.query('ROLLBACK');
      },
    });
    expect(results.map((r) => r.status)).toEqual([200, 409]);
    expect(results[1].body.message).toEqual(['At least one active admin must remain']);
    expect(activeAdmins).toBe(1);
  });
});

describe('two admins deactivating each other at once (SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t?.close());

  it('exactly one succeeds and one admin remains; the other is refused', async () => {
    const { results, activeAdmins } = await deactivateEachOther(t);
    expect(results[0].status).toBe(200);
    // Transactions take turns on SQLite: the loser is refused by the rule (409), or, if its request was
    // authenticated after the winner committed, as a deactivated admin (401).
    expect([401, 409]).toContain(results[1].status);
    expect(activeAdmins).toBe(1);
  });
});
