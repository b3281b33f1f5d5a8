import { rmSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { insertShare } from './factories/shares';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { dropSchema, postgresUrlWithSchema, tempDataDir, uniqueSchema } from './support/database';

describe.each(['postgres', 'sqlite'] as const)('migrations on %s', (dialect) => {
  const schema = uniqueSchema('mig');
  const dataDir = tempDataDir();
  let dataSource: DataSource;

  beforeAll(async () => {
    const databaseUrl = dialect === 'postgres' ? postgresUrlWithSchema(schema) : undefined;
    dataSource = await new DataSource(buildDataSourceOptions({ databaseUrl, dataDir })).initialize();
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    if (dialect === 'postgres') await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no difference between the entities and the migrated schema', async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    expect(upQueries.map((q) => q.query)).toEqual([]);
  });

  it('is a no-op when applied again (what every process start does)', async () => {
    expect(await runMigrations(dataSource)).toEqual([]);
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const repo = dataSource.getRepository(AuditEvent);
    const event = await repo.save(repo.create({ actorType: 'system', actorId: null, action: 'test.event' }));
    await expect(repo.update(event.id, { action: 'rewritten' })).rejects.toThrow(/append-only/);
    await expect(repo.delete(event.id)).rejects.toThrow(/append-only/);
    expect((await repo.findOneByOrFail({ id: event.id })).action).toBe('test.event');
  });

  it('keeps an approved text immutable in the database itself: it can be hidden, withdrawn or erased, never changed', async () => {
    const { recommendationId: id } = await insertShare(dataSource, { text: 'My own words' });
    const repo = dataSource.getRepository(Recommendation);
    await expect(repo.update(id, { text: 'Words someone else chose' })).rejects.toThrow(/immutable/);
    await expect(repo.update(id, { textHash: 'f'.repeat(64) })).rejects.toThrow(/immutable/);
    await expect(repo.update(id, { channels: ['x', 'facebook'] })).rejects.toThrow(/immutable/);
    await repo.update(id, { hiddenAt: new Date(), hiddenReason: 'test' });
    await repo.update(id, { withdrawnAt: new Date() });
    await repo.update(id, { text: null, authorName: null, erasedAt: new Date() });
    await expect(repo.update(id, { text: 'Back again' })).rejects.toThrow(/immutable/);
    expect(await repo.findOneByOrFail({ id })).toMatchObject({ text: null, authorName: null });
  });

  it("sums a recommendation's visitors over a range from an index alone (the reports' advocate list)", async () => {
    const sql = `SELECT sum(unique_visitors) FROM reach_daily WHERE recommendation_id = '00000000-0000-4000-8000-000000000001' AND day >= '2026-01-01' AND day <= '2026-12-31'`;
    const plan = await dataSource.transaction(async (m) => {
      if (dialect === 'sqlite') return JSON.stringify(await m.query(`EXPLAIN QUERY PLAN ${sql}`));
      // An empty table would be read sequentially; what matters is that the index alone can answer.
      await m.query('SET LOCAL enable_seqscan = off');
      await m.query('SET LOCAL enable_bitmapscan = off');
      return JSON.stringify(await m.query(`EXPLAIN ${sql}`));
    });
    expect(plan).toMatch(dialect === 'sqlite' ? /COVERING INDEX ix_reach_daily_recommendation_cover/ : /Index Only Scan using ix_reach_daily_recommendation_cover/);
  });
});

describe('migrations on PostgreSQL from several processes at once', () => {
  const schema = uniqueSchema('mig');
  afterAll(() => dropSchema(schema));

  it('serialises concurrent runs under the advisory lock: each migration applied once', async () => {
    const sources = await Promise.all(
      [1, 2, 3].map(() =>
        new DataSource(buildDataSourceOptions({ databaseUrl: postgresUrlWithSchema(schema), dataDir: '/tmp' })).initialize(),
      ),
    );
    try {
      const applied = await Promise.all(sources.map((ds) => runMigrations(ds)));
      const total = applied.flat();
      expect(new Set(total).size).toBe(total.length);
      expect(total.length).toBe(sources[0].migrations.length);
      const rows = await sources[0].query(`SELECT name FROM "${schema}".migrations`);
      expect(rows).toHaveLength(sources[0].migrations.length);
    } finally {
      await Promise.all(sources.map((ds) => ds.destroy()));
    }
  });
});
