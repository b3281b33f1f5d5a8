/** Tuning for JobsModule; the defaults suit production, tests shorten them via `JobsModule.withOptions()`. */
export interface JobsModuleOptions {
  /** How often the outbox relay looks for pending rows; `false` = only when kicked (default 1000 ms). */
  outboxPollIntervalMs?: number | false;
  /** Outbox rows moved per relay round (default 500). */
  outboxBatchSize?: number;
  /** How long an add to Redis may take before it counts as failed (default 5000 ms). */
  enqueueTimeoutMs?: number;
}

export const JOBS_MODULE_OPTIONS = Symbol('JOBS_MODULE_OPTIONS');

export const JOBS_MODULE_DEFAULTS: Required<JobsModuleOptions> = {
  outboxPollIntervalMs: 1000,
  outboxBatchSize: 500,
  enqueueTimeoutMs: 5000,
};
