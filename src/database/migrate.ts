import { DataSource } from 'typeorm';

// An arbitrary constant shared by every Goodword process: whoever holds it migrates, the rest wait.
const MIGRATION_LOCK_KEY = 471_113_001;

/** Applies pending migrations; on PostgreSQL one process at a time, under an advisory lock. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type !== 'postgres') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      // Under the lock: CREATE SCHEMA IF NOT EXISTS races with itself between processes.
      const schema = dataSource.options.schema;
      if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
