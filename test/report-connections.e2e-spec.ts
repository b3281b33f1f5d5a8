import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Actor, cliActor } from '../src/common/actor';
import { LocationsService } from '../src/locations/locations.service';
import { ReachReports } from '../src/reports/reach-reports.service';
import { createTestApp, TestApp } from './support/app';

/**
 * A report of one location or campaign reads through named statements, prepared on each pooled connection and
 * planned there once (`ReachReportReadModel.rows`). The pool keeps some connections open when idle, so a quiet
 * spell between two reports doesn't close them and throw their statements away.
 */
describe('report connections on postgres', () => {
  let t: TestApp;
  const admin: Actor = { type: 'staff', id: null, role: 'admin' };

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    await t.app.get(LocationsService).create(cliActor('test'), { code: 'QUIET-1', name: 'Quiet Motors' });
  });
  afterAll(() => t?.close());

  it('outlive the idle timeout with their prepared report statements', async () => {
    const pool = (t.app.get(DataSource).driver as PostgresDriver).master as Pool & { options: { idleTimeoutMillis: number; min: number } };
    // pg closes a connection idle for 10 s; shortened here so the test needn't wait that long. Taken and given
    // back, the connections open since the app started get the shortened timeout too.
    pool.options.idleTimeoutMillis = 50;
    const idle = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
    idle.forEach((c) => c.release());
    const reports = t.app.get(ReachReports);
    await Promise.all([1, 2, 3].map(() => reports.forLocation(admin, 'QUIET-1', { days: '30', compare: 'previous' })));
    const opened = pool.totalCount;
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(pool.totalCount).toBe(Math.min(opened, pool.options.min));
    expect(pool.totalCount).toBeGreaterThan(0);
    const kept: PoolClient[] = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
    try {
      expect(pool.totalCount).toBe(kept.length); // the idle ones, none opened anew
      const prepared = await Promise.all(kept.map((c) => c.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'report\\_%'`)));
      expect(prepared.reduce((sum, r) => sum + (r.rows[0].n as number), 0)).toBeGreaterThan(0);
    } finally {
      kept.forEach((c) => c.release());
    }
  });
});
