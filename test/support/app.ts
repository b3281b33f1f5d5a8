import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rmSync } from 'node:fs';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { deleteRedisKeys, dropSchema, postgresUrlWithSchema, REDIS_URL, tempDataDir, uniqueSchema } from './database';

export type Dialect = 'postgres' | 'sqlite';

export interface TestAppOptions {
  dialect?: Dialect;
  /** Use BullMQ on the shared Redis (with a unique key prefix) instead of in-process jobs. */
  redis?: boolean;
  env?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  schema?: string;
  /** Closes the app and removes its schema, SQLite file and DATA_DIR. */
  close(): Promise<void>;
  /** Closes the app only (a restart on the same data follows). */
  stop(): Promise<void>;
}

/** Environment for one isolated test app: own schema or SQLite file, own queue prefix, own DATA_DIR. */
export function testEnv(options: TestAppOptions = {}): { env: Record<string, string>; schema?: string } {
  const schema = options.dialect === 'sqlite' ? undefined : uniqueSchema();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: tempDataDir(),
    QUEUE_PREFIX: `test-${schema ?? uniqueSchema('q')}`,
    ...(schema ? { DATABASE_URL: postgresUrlWithSchema(schema) } : {}),
    ...(options.redis ? { REDIS_URL } : {}),
    ...options.env,
  };
  return { env, schema };
}

/** The whole application as production builds it, against real PostgreSQL (or SQLite) and real migrations. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { env, schema } = testEnv(options);
  return createTestAppFromEnv(env, schema);
}

/** The app on an environment made by `testEnv` (shared with real child processes on the same database and queue). */
export async function createTestAppFromEnv(env: Record<string, string>, schema?: string): Promise<TestApp> {
  const config = loadConfig(env);
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    schema,
    stop: () => app.close(),
    async close() {
      await app.close();
      if (schema) await dropSchema(schema);
      // Its queues and click stream: dozens of keys per app, which a long-lived Redis would keep from every run.
      if (config.redisUrl) await deleteRedisKeys(`${config.queuePrefix}:*`);
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
