import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LocationsService } from '../src/locations/locations.service';
import { UsersService } from '../src/users/users.service';
import { setup, staffHeader, waitFor } from './campaign-fixtures';
import { createTestApp, TestApp } from './support/app';
import { POSTGRES_URL } from './support/database';

type Admin = { id: string; headers: Record<string, string> };
type Race = { hold(): Promise<void>; release(): Promise<void> };

async function admin(t: TestApp): Promise<Admin> {
  const { email, headers } = await staffHeader(t.app, 'admin');
  return { id: (await t.app.get(UsersService).findByEmail(email))!.id, headers };
}

/** PATCH /api/users/:id over real HTTP, all at once (held back by `race` until all wait on the same rows). */
async function patchAtOnce(t: TestApp, changes: { as: Admin; user: string; body: object }[], race?: Race) {
  const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const patch = ({ as, user, body }: (typeof changes)[number]) =>
    fetch(`${base}/api/users/${user}`, { method: 'PATCH', headers: { ...as.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as { message: string[] } }),
    );
  await race?.hold();
  const requests = Promise.all(changes.map(patch));
  await race?.release();
  return (await requests).sort((a, b) => a.status - b.status);
}

async function activeAdmins(t: TestApp): Promise<number> {
  const db = t.app.get(DataSource);
  const active = db.options.type === 'postgres' ? 'true' : '1';
  return Number((await db.query(`SELECT count(*) AS n FROM staff_user WHERE role = 'admin' AND active = ${active}`))[0].n);
}

describe('admins changing each other at once (PostgreSQL)', () => {
  let t: TestApp;
  let blocker: Client;

  /**
   * Holds the admins' rows in another session so every request is provably inside its transaction,
   * waiting on the same rows, before any can go on: then lets them race.
   */
  const race = (requests: number, alsoLock = ''): Race => ({
    async hold() {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT id FROM staff_user WHERE role = 'admin' OR id::text = $1 FOR UPDATE`, [alsoLock]);
    },
    async release() {
      const [{ pid }] = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows;
      // Waiting on the blocker, or queued behind a session that is (a row's second waiter waits on the first).
      const waiting = `WITH direct AS (SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)))
        SELECT count(*) AS n FROM pg_stat_activity a
        WHERE a.pid IN (SELECT pid FROM direct) OR pg_blocking_pids(a.pid) && ARRAY(SELECT pid FROM direct)`;
      await waitFor(async () => Number((await blocker.query(waiting, [pid])).rows[0].n) >= requests, 'every request to wait on the admin rows');
      await blocker.query('ROLLBACK');
    },
  });

  beforeEach(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    blocker = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${t.schema}` });
    await blocker.connect();
  });
  afterEach(async () => {
    await blocker?.end();
    await t?.close();
  });

  it('two admins deactivating each other: exactly one succeeds, one admin remains, the other gets 409', async () => {
    const [first, second] = [await admin(t), await admin(t)];
    const results = await patchAtOnce(
      t,
      [
        { as: first, user: second.id, body: { active: false } },
        { as: second, user: first.id, body: { active: false } },
      ],
      race(2),
    );
    expect(results.map((r) => r.status)).toEqual([200, 409]);
    expect(results[1].body.message).toEqual(['At least one active admin must remain']);
    expect(await activeAdmins(t)).toBe(1);
  });

  it('a demotion and a deactivation of the same admin at once both apply: neither overwrites the other', async () => {
    const [target, demoter, deactivator] = [await admin(t), await admin(t), await admin(t)];
    const results = await patchAtOnce(
      t,
      [
        { as: demoter, user: target.id, body: { role: 'marketer' } },
        { as: deactivator, user: target.id, body: { active: false } },
      ],
      race(2),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await t.app.get(UsersService).get(target.id)).toMatchObject({ role: 'marketer', active: false });
    expect(await activeAdmins(t)).toBe(2);
  });

  it('a dealer’s new locations and their deactivation at once both apply', async () => {
    const boss = await admin(t);
    const other = await admin(t);
    for (const code of ['DLR-001', 'DLR-002']) await t.app.get(LocationsService).create(setup, { code, name: code, timezone: 'UTC' });
    const { user: dealer } = await t.app.get(UsersService).create(setup, { email: 'dana@example.com', role: 'dealer', locationCodes: ['DLR-001'] });
    const results = await patchAtOnce(
      t,
      [
        { as: boss, user: dealer.id, body: { locations: ['DLR-002'] } },
        { as: other, user: dealer.id, body: { active: false } },
      ],
      race(2, dealer.id),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await t.app.get(UsersService).get(dealer.id)).toMatchObject({ role: 'dealer', active: false, locations: ['DLR-002'] });
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
    const [first, second] = [await admin(t), await admin(t)];
    const results = await patchAtOnce(t, [
      { as: first, user: second.id, body: { active: false } },
      { as: second, user: first.id, body: { active: false } },
    ]);
    expect(results[0].status).toBe(200);
    // Transactions take turns on SQLite: the loser is refused by the rule (409), or, if its request was
    // authenticated after the winner committed, as a deactivated admin (401).
    expect([401, 409]).toContain(results[1].status);
    expect(await activeAdmins(t)).toBe(1);
  });
});
