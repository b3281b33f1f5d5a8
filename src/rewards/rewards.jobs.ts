import { defineJob } from '../jobs/job';

export interface SendRewardCodeData {
  codeId: string;
}
/**
 * Emails an issued code to its customer (queued through the outbox in the approval's transaction). Safe
 * to run any number of times: the code's `emailed_at` says it was done.
 */
export const SEND_REWARD_CODE_JOB = defineJob<SendRewardCodeData>('rewards.send-code', { attempts: 8, backoffMs: 5_000, concurrency: 4 });

export interface RewardBudgetAlertData {
  offerId: string;
}
/**
 * Tells marketers, once, that an offer's budget or pool is below 10% or spent. Queued by an approval that
 * left few codes; the job decides and marks the offer in one transaction with the emails, so it is safe twice.
 */
export const REWARD_BUDGET_ALERT_JOB = defineJob<RewardBudgetAlertData>('rewards.budget-alert', { attempts: 5, backoffMs: 5_000, concurrency: 1 });
