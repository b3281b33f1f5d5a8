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
    if (dialect === 'sqlite') {
      // SQLite's view reads the closed table only (its writer adds there), so the query reads that table's index.
      expect(plan).toMatch(/SEARCH reach_daily_closed USING COVERING INDEX ix_reach_daily_recommendation_cover/);
      return;
    }
    // Both sides of PostgreSQL's view, closed days and live ones, each from its own index alone.
    for (const table of ['reach_daily', 'reach_daily_live']) expect(plan).toMatch(new RegExp(`Index Only Scan using ix_${table}_recommendation_cover`));
  });

  it('finds raw click events by time through an index (retention, reach:rebuild), and keeps no per-link index on them', async () => {
    const sql = `SELECT id FROM click_event WHERE occurred_at < '2026-01-01' LIMIT 10000`;
    const plan = await dataSource.transaction(async (m) => {
      if (dialect === 'sqlite') return JSON.stringify(await m.query(`EXPLAIN QUERY PLAN ${sql}`));
      await m.query('SET LOCAL enable_seqscan = off');
      return JSON.stringify(await m.query(`EXPLAIN ${sql}`));
    });
    expect(plan).toMatch(dialect === 'sqlite' ? /USING (COVERING )?INDEX ix_click_event_time/ : /Bitmap Index Scan on ix_click_event_time/);
    const indexes = dialect === 'sqlite'
      ? await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'click_event' AND name NOT LIKE 'sqlite_%'`)
      : await dataSource.query(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'click_event' AND schemaname = current_schema() AND indexname NOT LIKE 'PK_%'`);
    expect(indexes.map((i: { name: string }) => i.name)).toEqual(['ix_click_event_time']);
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

describe.each(['postgres', 'sqlite'] as const)('the click stream entries migration on %s', (dialect) => {
  const schema = uniqueSchema('migcse');
  const dataDir = tempDataDir();
  afterAll(async () => {
    if (dialect === 'postgres') await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('carries the entry ids of last week’s stream clicks over, so an entry pending at the upgrade is not written twice', async () => {
    const options = buildDataSourceOptions({ databaseUrl: dialect === 'postgres' ? postgresUrlWithSchema(schema) : undefined, dataDir });
    const all = options.migrations as (new () => unknown)[];
    const upgrade = all.findIndex((m) => m.name === 'ClickStreamEntries1796530000000');
    expect(upgrade).toBeGreaterThan(0);
    const before = await new DataSource({ ...options, migrations: all.slice(0, upgrade) } as typeof options).initialize();
    await runMigrations(before);
    const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
    const linkId = '00000000-0000-4000-8000-000000000001';
    await before.query(`INSERT INTO tracked_link (id, code, target_path) VALUES (${p(1)}, 'mig-code-1', '/p/x')`, [linkId]);
    const click = (key: string | null, at: Date) =>
      before.query(
        `INSERT INTO click_event (link_id, occurred_at, visitor_hash, is_bot, capture_key) VALUES (${p(1)}, ${p(2)}, 'v', ${dialect === 'postgres' ? 'false' : '0'}, ${p(3)})`,
        [linkId, dialect === 'postgres' ? at.toISOString() : at.toISOString().replace('T', ' ').replace('Z', ''), key],
      );
    await click('1764900000000-0/0', new Date());
    await click('1764900000000-0/1', new Date());
    await click('1764900000001-3/0', new Date());
    await click('1760000000000-0/0', new Date(Date.now() - 30 * 86_400_000)); // long acknowledged
    await click(null, new Date()); // written from memory (embedded mode)
    await before.destroy();

    const after = await new DataSource(options).initialize();
    try {
      await runMigrations(after);
      const ids = (await after.query(`SELECT entry_id FROM click_stream_entry ORDER BY entry_id`)).map((r: { entry_id: string }) => r.entry_id);
      expect(ids).toEqual(['1764900000000-0', '1764900000001-3']);
      expect(Number((await after.query(`SELECT COUNT(*) AS n FROM click_event`))[0].n)).toBe(5);
    } finally {
      await after.destroy();
    }
  });
});
