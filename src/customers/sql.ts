import { EntityManager } from 'typeorm';

/**
 * Small helpers for the hand-written batch SQL of the customers and feedback modules (bulk imports
 * can't afford an ORM round per row). Candidates for src/common once a third module needs them.
 */
export type Dialect = 'postgres' | 'sqlite';

export function dialectOf(manager: EntityManager): Dialect {
  return manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** How a timestamp is sent: PostgreSQL takes ISO 8601; SQLite compares text, stored as TypeORM writes it (UTC). */
export function dbTime(dialect: Dialect, date: Date): string;
export function dbTime(dialect: Dialect, date: Date | null): string | null;
export function dbTime(dialect: Dialect, date: Date | null): string | null {
  if (!date) return null;
  const iso = date.toISOString();
  return dialect === 'postgres' ? iso : iso.replace('T', ' ').replace('Z', '');
}

/** A timestamp read by raw SQL: a Date from pg, a `YYYY-MM-DD HH:MM:SS[.sss]` UTC string from SQLite. */
export function readTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** A boolean read by raw SQL: SQLite keeps 0/1. */
export function readBool(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  return value === true || value === 1 || value === '1' || value === 't';
}

/** SQLite allows 32,766 bound values per statement; these chunks stay well below. */
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

/** Rows per multi-row SQLite statement, from the number of values in each row. */
export function sqliteChunkSize(columnCount: number): number {
  return Math.max(1, Math.floor(30_000 / columnCount));
}
