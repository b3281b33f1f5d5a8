import { defineJob } from '../jobs/job';

export interface SendRewardCodeData {
  codeId: string;
}
/**
 * Emails an issued code to its customer (queued through the outbox in the approval's transaction). Safe
 * to run any number of times: the code's `emailed_at` says it was done.
 */
export const SEND_REWARD_CODE_JOB = defineJob<SendRewardCodeData>('rewards.send-code', { attempts: 8, backoffMs: 5_000, concurrency: 4 });
