import { Column, ColumnOptions, CreateDateColumn, getMetadataArgsStorage, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Column types that differ between PostgreSQL and SQLite. Entity decorators run at import time, before
 * the dialect is known, so they record a logical type and `applyDialect` maps it when a data source is built.
 */
type LogicalType = 'timestamp' | 'json' | 'bigkey';
type Dialect = 'postgres' | 'sqlite';

const PHYSICAL: Record<LogicalType, Record<Dialect, ColumnOptions['type']>> = {
  timestamp: { postgres: 'timestamptz', sqlite: 'datetime' },
  json: { postgres: 'jsonb', sqlite: 'simple-json' },
  // SQLite's INTEGER PRIMARY KEY is already 64-bit (and AUTOINCREMENT takes no other type name).
  bigkey: { postgres: 'bigint', sqlite: 'integer' },
};

const portable = new Map<object, LogicalType>();

function track(logical: LogicalType, decorator: PropertyDecorator): PropertyDecorator {
  return (target, property) => {
    decorator(target, property);
    const args = getMetadataArgsStorage().columns;
    const column = args[args.length - 1];
    portable.set(column.options, logical);
    column.options.type = PHYSICAL[logical].postgres;
  };
}

export function applyDialect(dialect: Dialect): void {
  for (const [options, logical] of portable) (options as ColumnOptions).type = PHYSICAL[logical][dialect];
}

export const TimestampColumn = (options: ColumnOptions = {}) => track('timestamp', Column(options));
export const JsonColumn = (options: ColumnOptions = {}) => track('json', Column(options));
/** A 64-bit auto-increment key, for the tables that grow past 2^31 rows. pg reads bigint as a string. */
export const BigIntKeyColumn = () => track('bigkey', PrimaryGeneratedColumn('increment', { type: 'bigint' }));
export const CreatedAtColumn = () => track('timestamp', CreateDateColumn({ name: 'created_at' }));
export const UpdatedAtColumn = () => track('timestamp', UpdateDateColumn({ name: 'updated_at' }));
