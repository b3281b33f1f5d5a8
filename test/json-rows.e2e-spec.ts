import { DataSource } from 'typeorm';
import { JsonRows } from '../src/database/sql';
import { dropSchema, POSTGRES_URL, uniqueSchema } from './support/database';

/**
 * `JsonRows`, the table every PostgreSQL batch write reads its rows from, against what it replaced: the same
 * rows through `json_to_recordset` must read back identically, awkward values included.
 */
describe('JsonRows (postgres)', () => {
  const schema = uniqueSchema('jsonrows');
  let db: DataSource;
  const definition = 'id uuid, "responseId" text, score smallint, big bigint, yes boolean, at timestamptz, day varchar, details jsonb';
  const rows: Record<string, unknown>[] = [
    {
      id: '01a24a51-dde2-71ed-8180-53fd93b64148', responseId: `R_1 "quoted" \\ back\\slash, O'Neil`, score: 10, big: 9_007_199_254_740_991,
      yes: true, at: new Date('2026-02-28T23:59:59.123Z'), day: '2026-02-28', details: { a: [1, 'two', null], 'b "c"': { d: false } },
    },
    // Nulls, a key left out (reads as null), text that looks like other types, line breaks and emoji.
    { id: '01a24a51-dde2-71ee-a0dd-92ea62100946', responseId: 'line\nbreak\ttab 👍 ß', score: 0, big: null, yes: false, at: null, details: null },
    { id: '01a24a51-dde2-71ee-a0dd-92ea62100947', responseId: 'null', score: null, big: -1, yes: null, at: '2026-12-06T10:00:00+02:00', day: 'true', details: 'text' },
  ];

  beforeAll(async () => {
    db = new DataSource({ type: 'postgres', url: POSTGRES_URL, extra: { options: `-c search_path=${schema}` } });
    await db.initialize();
    await db.query(`CREATE SCHEMA "${schema}"`);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  it('reads every row as json_to_recordset did, value for value', async () => {
    const table = new JsonRows(definition);
    const ours = await db.query(`SELECT * FROM ${table.table('$1', 't')} ORDER BY t.id`, [table.json(rows)]);
    const reference = await db.query(`SELECT * FROM json_to_recordset($1::json) AS t(${definition}) ORDER BY t.id`, [JSON.stringify(rows)]);
    expect(ours).toHaveLength(3);
    expect(ours).toEqual(reference);
    expect(ours[0]).toMatchObject({ responseId: rows[0].responseId, score: 10, big: '9007199254740991', yes: true, day: '2026-02-28', details: rows[0].details });
    expect(ours[1]).toMatchObject({ responseId: 'line\nbreak\ttab 👍 ß', big: null, at: null, day: null, details: null });
    expect(ours[2]).toMatchObject({ responseId: 'null', score: null, yes: null, at: new Date('2026-12-06T08:00:00Z'), details: 'text' });
  });

  it('serves INSERT … SELECT with the columns in definition order, and reads no rows from an empty batch', async () => {
    await db.query('CREATE TABLE item (id uuid PRIMARY KEY, label text, n int)');
    const table = new JsonRows('id uuid, label text, n int');
    await db.query(`INSERT INTO item SELECT * FROM ${table.table('$1', 't')}`, [table.json([{ n: 3, label: 'x', id: rows[0].id }])]);
    expect(await db.query('SELECT id, label, n FROM item')).toEqual([{ id: rows[0].id, label: 'x', n: 3 }]);
    expect(await db.query(`SELECT * FROM ${table.table('$1', 't')}`, [table.json([])])).toEqual([]);
  });

  it('refuses a column list it cannot read, naming the column', () => {
    expect(() => new JsonRows('id uuid, amount numeric(10, 2)')).toThrow('cannot read the column');
    expect(() => new JsonRows('id')).toThrow('"id"');
  });
});
