import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Dialect, rowsAmong } from '../src/database/sql';
import { dropSchema, POSTGRES_URL, uniqueSchema } from './support/database';

/** `rowsAmong`, the membership read behind every import batch, on both dialects and past SQLite's chunk size. */
describe.each<Dialect>(['postgres', 'sqlite'])('rowsAmong (%s)', (dialect) => {
  const schema = uniqueSchema('among');
  let db: DataSource;
  const ids = Array.from({ length: 12_001 }, () => randomUUID());

  beforeAll(async () => {
    db =
      dialect === 'postgres'
        ? new DataSource({ type: 'postgres', url: POSTGRES_URL, extra: { options: `-c search_path=${schema}` } })
        : new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await db.initialize();
    if (dialect === 'postgres') await db.query(`CREATE SCHEMA "${schema}"`);
    await db.query(`CREATE TABLE item (id ${dialect === 'postgres' ? 'uuid' : 'varchar'} PRIMARY KEY, label text NOT NULL)`);
    // Every other id is stored.
    await db.transaction(async (m) => {
      for (let i = 0; i < ids.length; i += 2) await m.query(`INSERT INTO item (id, label) VALUES (${dialect === 'postgres' ? '$1, $2' : '?, ?'})`, [ids[i], `L${i}`]);
    });
  });
  afterAll(async () => {
    await db?.destroy();
    if (dialect === 'postgres') await dropSchema(schema);
  });

  it('finds exactly the stored rows among 12,001 keys (SQLite reads them in three IN lists)', async () => {
    const rows = await rowsAmong<{ id: string; label: string }>(db.manager, ids, 'id', (among) => `SELECT id, label FROM item WHERE ${among}`, { type: 'uuid' });
    expect(rows).toHaveLength(6001);
    expect(new Map(rows.map((r) => [r.id, r.label]))).toEqual(new Map(ids.flatMap((id, i) => (i % 2 === 0 ? [[id, `L${i}`]] : []))));
  });

  it('passes the dialect to the statement, and reads nothing for no keys', async () => {
    const seen: Dialect[] = [];
    const rows = await rowsAmong(db.manager, ids.slice(0, 3), 'id', (among, d) => (seen.push(d), `SELECT id FROM item WHERE ${among}`), { type: 'uuid' });
    expect(rows).toHaveLength(2);
    expect(new Set(seen)).toEqual(new Set([dialect]));
    expect(await rowsAmong(db.manager, [], 'id', () => 'SELECT broken')).toEqual([]);
  });

  it('compares text keys as given (an address is not case-folded here)', async () => {
    await db.query(`CREATE TABLE person (email text PRIMARY KEY)`);
    await db.query(`INSERT INTO person (email) VALUES ('ana@example.com'), ('Ben@example.com')`);
    const rows = await rowsAmong<{ email: string }>(db.manager, ['ana@example.com', 'ben@example.com', "o'neil@example.com"], 'email', (among) => `SELECT email FROM person WHERE ${among}`);
    expect(rows.map((r) => r.email)).toEqual(['ana@example.com']);
  });
});
