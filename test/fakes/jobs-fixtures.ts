import { Injectable, LoggerService, Provider } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { DatabaseModule } from '../../src/database/database.module';
import { defineJob, JobContext, JobProcessor } from '../../src/jobs/job';
import { JobHandler } from '../../src/jobs/job-handler.decorator';
import { JobsModule } from '../../src/jobs/jobs.module';
import { JobsModuleOptions } from '../../src/jobs/jobs-options';
import { deleteRedisKeys, dropSchema, postgresUrlWithSchema, REDIS_URL, tempDataDir, uniqueSchema } from '../support/database';

export interface EchoData {
  n: number;
  text: string;
  /** Groups the runs of one test. */
  tag: string;
  nested?: { list: number[]; flag: boolean };
}
export interface FlakyData {
  tag: string;
  /** The job throws on tries 1..failTimes. */
  failTimes: number;
}

export const ECHO_JOB = defineJob<EchoData>('test.echo', { attempts: 3, backoffMs: 20 });
export const FLAKY_JOB = defineJob<FlakyData>('test.flaky', { attempts: 4, backoffMs: 25 });
export const SLOW_JOB = defineJob<{ tag: string; ms: number }>('test.slow', { attempts: 1 });
/** Defined but handled by no provider. */
export const UNHANDLED_JOB = defineJob<{ x: number }>('test.unhandled');

export interface JobRun {
  job: string;
  jobId: string;
  attempt: number;
  data: unknown;
  at: number;
  ok: boolean;
}

/** What the test processors did, in memory; optionally also one JSON line per run in a file (for child processes). */
@Injectable()
export class JobProbe {
  readonly runs: JobRun[] = [];
  /** Tags of slow jobs that have begun. */
  readonly started: string[] = [];

  constructor(private readonly file?: string) {}

  record(job: string, data: { tag: string }, context: JobContext, ok: boolean): void {
    const run = { job, jobId: context.jobId, attempt: context.attempt, data, at: performance.now(), ok };
    this.runs.push(run);
    if (this.file) appendFileSync(this.file, JSON.stringify(run) + '\n');
  }

  tagged(tag: string): JobRun[] {
    return this.runs.filter((run) => (run.data as { tag?: string }).tag === tag);
  }
}

@Injectable()
@JobHandler(ECHO_JOB)
export class EchoProcessor implements JobProcessor<EchoData> {
  constructor(private readonly probe: JobProbe) {}

  async process(data: EchoData, context: JobContext): Promise<void> {
    this.probe.record(ECHO_JOB.name, data, context, true);
  }
}

@Injectable()
@JobHandler(FLAKY_JOB)
export class FlakyProcessor implements JobProcessor<FlakyData> {
  constructor(private readonly probe: JobProbe) {}

  async process(data: FlakyData, context: JobContext): Promise<void> {
    const fails = context.attempt <= data.failTimes;
    this.probe.record(FLAKY_JOB.name, data, context, !fails);
    if (fails) throw new Error(`flaky failure ${context.attempt}`);
  }
}

@Injectable()
@JobHandler(SLOW_JOB)
export class SlowProcessor implements JobProcessor<{ tag: string; ms: number }> {
  constructor(private readonly probe: JobProbe) {}

  async process(data: { tag: string; ms: number }, context: JobContext): Promise<void> {
    this.probe.started.push(data.tag);
    await sleep(data.ms);
    this.probe.record(SLOW_JOB.name, data, context, true);
  }
}

export type DriverKind = 'in-process' | 'bullmq';
export type DialectKind = 'postgres' | 'sqlite';

export interface JobsSetup {
  dialect: DialectKind;
  driver: DriverKind;
}

export interface JobsStore {
  env: Record<string, string>;
  schema?: string;
  dataDir: string;
}

/** Expected failures log at error level; set JOBS_TEST_LOGS=1 to see them. */
const quietLogger: LoggerService = { log() {}, error() {}, warn() {}, debug() {}, verbose() {} };

/**
 * Per test file: databases, data dirs and Redis key prefixes it made, removed in afterAll. Every app
 * gets its own queue prefix unless a test shares one on purpose (several processes, one deployment).
 */
export class JobsTestResources {
  readonly filePrefix = `jt${randomBytes(4).toString('hex')}`;
  private readonly schemas: string[] = [];
  private readonly dataDirs: string[] = [];
  private readonly apps = new Set<TestingModule>();
  private appCount = 0;

  /** A fresh database (PostgreSQL schema or SQLite file) plus Redis when the driver needs it. */
  store(setup: JobsSetup, extraEnv: Record<string, string> = {}): JobsStore {
    const dataDir = tempDataDir('goodword-jobs-');
    this.dataDirs.push(dataDir);
    const schema = setup.dialect === 'postgres' ? uniqueSchema('jobs') : undefined;
    if (schema) this.schemas.push(schema);
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      QUEUE_PREFIX: this.queuePrefix(),
      ...(schema ? { DATABASE_URL: postgresUrlWithSchema(schema) } : {}),
      ...(setup.driver === 'bullmq' ? { REDIS_URL } : {}),
      ...extraEnv,
    };
    return { env, schema, dataDir };
  }

  queuePrefix(): string {
    return `${this.filePrefix}-${++this.appCount}`;
  }

  async boot(
    store: JobsStore,
    options: { jobs?: JobsModuleOptions; providers?: Provider[]; env?: Record<string, string>; probe?: JobProbe } = {},
  ): Promise<TestingModule> {
    const config = loadConfig({ ...store.env, ...options.env });
    const builder = Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        JobsModule.withOptions({ outboxPollIntervalMs: 50, ...options.jobs }),
      ],
      providers: [
        { provide: JobProbe, useValue: options.probe ?? new JobProbe() },
        EchoProcessor,
        FlakyProcessor,
        SlowProcessor,
        ...(options.providers ?? []),
      ],
    });
    if (!process.env.JOBS_TEST_LOGS) builder.setLogger(quietLogger);
    const app = await builder.compile();
    this.apps.add(app);
    await app.init();
    return app;
  }

  async close(app: TestingModule): Promise<void> {
    this.apps.delete(app);
    await app.close();
  }

  async cleanup(): Promise<void> {
    for (const app of this.apps) await app.close().catch(() => undefined);
    for (const schema of this.schemas) await dropSchema(schema);
    for (const dir of this.dataDirs) rmSync(dir, { recursive: true, force: true });
    await deleteRedisKeys(`${this.filePrefix}-*`);
  }
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function uniqueTag(): string {
  return randomBytes(6).toString('hex');
}
