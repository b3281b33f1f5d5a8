import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rmSync } from 'node:fs';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { dropSchema, postgresUrlWithSchema, REDIS_URL, tempDataDir, uniqueSchema } from './database';

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
  close(): Promise<void>;
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
  const config = loadConfig(env);
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    schema,
    async close() {
      await app.close();
      if (schema) await dropSchema(schema);
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
