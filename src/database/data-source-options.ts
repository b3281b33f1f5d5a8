import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { applyDialect } from './columns';
import { DatabaseLogger } from './database-logger';
import { ENTITIES } from './entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

type DatabaseConfig = Pick<AppConfig, 'databaseUrl' | 'dataDir'>;

/** `?schema=name` on DATABASE_URL selects a PostgreSQL schema (tests give each file its own). */
export function splitSchema(databaseUrl: string): { url: string; schema?: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL schema "${schema}" must be a lower-case SQL identifier`);
  }
  return { url: url.toString(), schema };
}

export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  // Failed queries are logged by DatabaseLogger, without their parameters.
  const common = { entities: ENTITIES, synchronize: false, migrationsRun: false, logger: new DatabaseLogger() };
  if (config.databaseUrl) {
    applyDialect('postgres');
    const { url, schema } = splitSchema(config.databaseUrl);
    return {
      ...common,
      type: 'postgres',
      url,
      schema,
      uuidExtension: 'pgcrypto',
      migrations: POSTGRES_MIGRATIONS,
      migrationsTransactionMode: 'each',
      // `min`: four connections (as many as a report reads at once) stay open when idle, with the report statements
      // prepared on them and planned. pg closes idle ones after 10 s, and the first report after a quiet spell then
      // connected and planned every read anew: a campaign's report ~100 ms instead of 30–60 (8–15 ms warm).
      extra: { max: 20, min: 4, ...(schema ? { options: `-c search_path=${schema}` } : {}) },
    };
  }
  applyDialect('sqlite');
  mkdirSync(config.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(config.dataDir, 'goodword.sqlite'),
    migrations: SQLITE_MIGRATIONS,
    migrationsTransactionMode: 'each',
    // WAL lets readers proceed during writes; NORMAL sync is durable across process crashes in WAL mode.
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
