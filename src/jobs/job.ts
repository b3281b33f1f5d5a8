/** A named kind of job with typed data; modules declare one per job and share the constant. */
export interface JobDefinition<T> {
  readonly name: string;
  readonly options: JobOptions;
  /** Type carrier only; never set. */
  readonly __data?: T;
}

export interface JobOptions {
  /** Total tries including the first (default 5). */
  attempts?: number;
  /** First retry delay; doubles on each further try (default 1000 ms). */
  backoffMs?: number;
  /** Jobs of this kind run at once per worker process (default 10). */
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Deduplication key: a job with an id already queued is not queued again. */
  jobId?: string;
  delayMs?: number;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
}

export interface JobProcessor<T> {
  process(data: T, context: JobContext): Promise<void>;
}

export function defineJob<T>(name: string, options: JobOptions = {}): JobDefinition<T> {
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name)) throw new Error(`job name "${name}" must be dotted kebab-case`);
  return Object.freeze({ name, options: Object.freeze({ ...options }) });
}
