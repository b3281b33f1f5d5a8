import { BackoffOptions, Backoffs, MinimalJob } from 'bullmq';
import { defineJob } from './job';
import { bullmqJobOptions, JOB_DEFAULTS, resolveJobOptions, retryDelayMs } from './job-defaults';

describe('job defaults', () => {
  it('fills in the defaults', () => {
    expect(resolveJobOptions(defineJob('a.b'))).toEqual(JOB_DEFAULTS);
    expect(resolveJobOptions(defineJob('a.b', { attempts: 2 }))).toEqual({ ...JOB_DEFAULTS, attempts: 2 });
  });

  it('refuses options no queue can honour', () => {
    expect(() => resolveJobOptions(defineJob('a.b', { attempts: 0 }))).toThrow('attempts');
    expect(() => resolveJobOptions(defineJob('a.b', { concurrency: 1.5 }))).toThrow('concurrency');
    expect(() => resolveJobOptions(defineJob('a.b', { backoffMs: -1 }))).toThrow('backoffMs');
  });

  it('waits between tries exactly as BullMQ does, so both drivers retry alike', () => {
    const options = resolveJobOptions(defineJob('a.b', { attempts: 6, backoffMs: 250 }));
    const backoff = bullmqJobOptions(options).backoff as BackoffOptions;
    for (let failed = 1; failed < options.attempts; failed++) {
      const bullmq = Backoffs.calculate(backoff, failed, new Error('x'), {} as MinimalJob);
      expect(retryDelayMs(options, failed)).toBe(bullmq);
    }
    expect([1, 2, 3].map((failed) => retryDelayMs(options, failed))).toEqual([250, 500, 1000]);
  });
});
