import Redis from 'ioredis';
import { DataSource } from 'typeorm';

/**
 * Where a secret (a raw token) is stored: every column of every table of the test's database, read as
 * text (PostgreSQL: the test schema's columns from information_schema; SQLite: every table's
 * columns), and every Redis key under the test's queue prefix, whatever its type. Answers
 * `table.column` and `redis:<key>` for each place holding it; an empty list means nowhere.
 */
export async function whereStored(db: DataSource, secret: string, redis?: { url: string; prefix: string }): Promise<string[]> {
  if (secret.length < 16) throw new Error('scan for a real secret, not a short string that could match by chance');
  const found = await scanDatabase(db, secret);
  if (redis) found.push(...(await scanRedis(redis.url, redis.prefix, secret)));
  return found;
}

async function scanDatabase(db: DataSource, secret: string): Promise<string[]> {
  const found: string[] = [];
  if (db.options.type === 'postgres') {
    const columns: { table_name: string; column_name: string }[] = await db.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
    );
    if (columns.length === 0) throw new Error('no columns found: is the search path on the test schema?');
    for (const { table_name: table, column_name: column } of columns) {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE strpos("${column}"::text, $1) > 0`, [secret]);
      if (n > 0) found.push(`${table}.${column}`);
    }
    return found;
  }
  const tables: { name: string }[] = await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  for (const { name: table } of tables) {
    const columns: { name: string }[] = await db.query(`SELECT name FROM pragma_table_info(?)`, [table]);
    for (const { name: column } of columns) {
      const [{ n }] = await db.query(`SELECT count(*) AS n FROM "${table}" WHERE instr(CAST("${column}" AS TEXT), ?) > 0`, [secret]);
      if (n > 0) found.push(`${table}.${column}`);
    }
  }
  return found;
}

async function scanRedis(url: string, prefix: string, secret: string): Promise<string[]> {
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length === 0) throw new Error(`no Redis keys under ${prefix}: the scan would prove nothing`);
    const found: string[] = [];
    for (const key of keys) {
      if ((await dumpKey(client, key)).includes(secret)) found.push(`redis:${key}`);
    }
    return found;
  } finally {
    client.disconnect();
  }
}

async function dumpKey(client: Redis, key: string): Promise<string> {
  switch (await client.type(key)) {
    case 'string':
      return (await client.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await client.hgetall(key));
    case 'list':
      return JSON.stringify(await client.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await client.smembers(key));
    case 'zset':
      return JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await client.xrange(key, '-', '+'));
    default:
      return '';
  }
}
