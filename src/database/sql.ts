import { EntityManager } from 'typeorm';

/**
 * Helpers for hand-written, set-based SQL (imports, fan-out, clicks): 100,000 rows can't afford an ORM round
 * trip each. Both dialects: PostgreSQL gets arrays (`= ANY($1::uuid[])`) or JSON documents, SQLite gets
 * `IN (?, ?, …)` lists and multi-row VALUES kept under its bound-parameter limit.
 */
export type Dialect = 'postgres' | 'sqlite';

export function dialectOf(manager: EntityManager): Dialect {
  return manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * The rows a DELETE or UPDATE … RETURNING gave back. TypeORM answers those with `[rows, affected]` on PostgreSQL
 * (where `.length` would always read 2) and with the rows on SQLite.
 */
export function returnedRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

/** A timestamp as a parameter: ISO 8601 for PostgreSQL; for SQLite the UTC text TypeORM stores (`YYYY-MM-DD HH:MM:SS.sss`). */
export function dbTime(dialect: Dialect, date: Date): string;
export function dbTime(dialect: Dialect, date: Date | null): string | null;
export function dbTime(dialect: Dialect, date: Date | null): string | null {
  if (!date) return null;
  const iso = date.toISOString();
  return dialect === 'postgres' ? iso : iso.replace('T', ' ').replace('Z', '');
}

/** A timestamp read by raw SQL: a Date from pg, UTC text from SQLite. */
export function readTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** A boolean read by raw SQL (SQLite keeps 0/1); null reads as false. */
export function readBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** A nullable boolean read by raw SQL: null stays null (an answer not given). */
export function readNullableBool(value: unknown): boolean | null {
  return value === null || value === undefined ? null : readBool(value);
}

/** A count read by raw SQL (pg returns bigint counts as strings). */
export function readCount(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A nullable number read by raw SQL (pg returns bigint and numeric as strings): null stays null. */
export function readNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** SQLite allows 32,766 bound values per statement; callers chunk well below (`sqliteChunkSize`). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `(?, ?, ?), (?, ?, ?)` for SQLite multi-row statements. */
export function sqliteRows(rowCount: number, columnCount: number): string {
  const row = `(${new Array(columnCount).fill('?').join(', ')})`;
  return new Array(rowCount).fill(row).join(', ');
}

/** `$1, $2, …` or `?, ?, …` for an IN list. */
export function inList(dialect: Dialect, count: number, offset = 0): string {
  return Array.from({ length: count }, (_, i) => (dialect === 'postgres' ? `$${i + 1 + offset}` : '?')).join(', ');
}

/**
 * Rows whose `column` is among `keys` (an import batch's thousands of ids or addresses), with `statement` built
 * around the membership test it is given. PostgreSQL: one statement with the keys as one JSON array (a bound
 * parameter per key costs more to bind than the lookup); SQLite: IN lists of 5,000, under its parameter limit.
 */
export async function rowsAmong<T = Record<string, unknown>>(
  manager: EntityManager,
  keys: readonly string[],
  column: string,
  statement: (condition: string, dialect: Dialect) => string,
  { type = 'text' }: { type?: 'text' | 'uuid' } = {},
): Promise<T[]> {
  if (keys.length === 0) return [];
  const dialect = dialectOf(manager);
  if (dialect === 'postgres') {
    const cast = type === 'text' ? '' : `::${type}`;
    return manager.query(statement(`${column} = ANY(ARRAY(SELECT json_array_elements_text($1::json)${cast}))`, dialect), [JSON.stringify(keys)]);
  }
  const parts: T[][] = [];
  for (const chunk of chunks(keys, 5000)) parts.push(await manager.query(statement(`${column} IN (${inList(dialect, chunk.length)})`, dialect), chunk));
  return parts.flat();
}

/** Rows per multi-row SQLite statement, from the number of values in each row. */
export function sqliteChunkSize(columnCount: number): number {
  return Math.max(1, Math.floor(30_000 / columnCount));
}

/**
 * Collects parameters while a statement is written. SQLite's `?` are positional: call `add` in the
 * order the placeholders appear in the SQL text (template literals evaluate left to right; a
 * fragment built beforehand must also come first in the text).
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(readonly dialect: Dialect) {}

  /** A placeholder for `value` (`$n` or `?`); Dates and booleans are converted for the dialect. */
  add(value: unknown): string {
    this.values.push(this.convert(value));
    return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
  }

  time(date: Date): string {
    return this.add(dbTime(this.dialect, date));
  }

  /** `= ANY($n::uuid[])` or `IN (?, ?)`: membership in a list of ids (an empty list matches nothing). */
  inIds(ids: readonly string[], type = 'uuid'): string {
    if (this.dialect === 'postgres') {
      this.values.push(ids);
      return `= ANY($${this.values.length}::${type}[])`;
    }
    if (ids.length === 0) return 'IN (NULL)';
    return `IN (${ids.map((id) => this.add(id)).join(', ')})`;
  }

  /** The dialect's literal for a boolean column compared with true. */
  get true(): string {
    return this.dialect === 'postgres' ? 'true' : '1';
  }

  private convert(value: unknown): unknown {
    if (value instanceof Date) return dbTime(this.dialect, value);
    if (typeof value === 'boolean' && this.dialect === 'sqlite') return value ? 1 : 0;
    return value;
  }
}

/**
 * PostgreSQL: a batch of rows sent as one `jsonb` parameter, an array of arrays, and read back as a table, with the
 * column list `json_to_recordset` takes (`id uuid, "responseId" text, …`; each column reads the row's key of that
 * name). The database's work is a third of `json_to_recordset`'s, which builds a hash table per object (5,000
 * feedback rows: 65 → 23 ms): the import's batch writes and the click writer send every row this way.
 */
export class JsonRows {
  private readonly columns: { key: string; name: string; type: string }[];
  private readonly keys: string[];

  constructor(definition: string) {
    this.columns = definition.split(',').map((part) => {
      const found = /^\s*("?)([A-Za-z_][A-Za-z0-9_]*)\1\s+([a-z][a-z0-9 ]*?)\s*$/.exec(part);
      if (!found) throw new Error(`JsonRows: cannot read the column "${part.trim()}"`);
      const [, quote, key, type] = found;
      return { key, name: quote ? `"${key}"` : key, type };
    });
    this.keys = this.columns.map((c) => c.key);
  }

  /** The parameter: each row's values in column order (a missing key reads as null, dates as ISO 8601). */
  json(rows: readonly object[]): string {
    const keys = this.keys;
    return JSON.stringify(rows.map((row) => keys.map((key) => (row as Record<string, unknown>)[key] ?? null)));
  }

  /** The rows as a table named `alias`, from the parameter `param` (`$1`). */
  table(param: string, alias: string): string {
    const values = this.columns.map(({ name, type }, i) =>
      // A JSON column keeps its value (->, not ->> and a second parse); a JSON null is SQL NULL, as in json_to_recordset.
      type === 'json' || type === 'jsonb' ? `NULLIF(e->${i}, 'null'::jsonb)::${type} AS ${name}` : `(e->>${i})::${type} AS ${name}`,
    );
    return `(SELECT ${values.join(', ')} FROM jsonb_array_elements(${param}::jsonb) AS e) AS ${alias}`;
  }
}
