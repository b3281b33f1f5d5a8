import { EntityManager } from 'typeorm';

/**
 * Helpers for the hand-written, set-based SQL of campaigns, invitations and preferences: a fan-out to
 * 100,000 customers can't afford an ORM round trip per row. Both dialects: PostgreSQL gets arrays
 * (`= ANY($1::uuid[])`), SQLite gets `IN (?, ?, …)` lists (callers keep lists at most a few thousand long).
 */
export type Dialect = 'postgres' | 'sqlite';

export function dialectOf(manager: EntityManager): Dialect {
  return manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** A timestamp as a parameter: ISO 8601 for PostgreSQL; for SQLite the UTC text TypeORM stores (`YYYY-MM-DD HH:MM:SS.sss`). */
export function dbTime(dialect: Dialect, date: Date): string {
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

/** A boolean read by raw SQL (SQLite keeps 0/1). */
export function readBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** A count read by raw SQL (pg returns bigint counts as strings). */
export function readCount(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
