import { createHash } from 'node:crypto';
import { defineJob } from '../jobs/job';
import { MarketingMessageKind } from '../invitations/marketing-message.entity';

/** Every few minutes (and after launch, resume and imports): keeps running campaigns going. */
export interface CampaignTickData {
  at?: string;
  /** After Redis lost its data: every running campaign's claimed-but-unsent messages are queued again now. */
  requeueUnsent?: boolean;
  /** The round (`t…`) or kick (`k…`) this tick is for: its fan-outs carry it, so a kick is not swallowed by the round's. */
  key?: string;
}
export const CAMPAIGN_TICK_JOB = defineJob<CampaignTickData>('campaigns.tick', { attempts: 1, concurrency: 1 });

export interface FanOutData {
  campaignId: string;
  /** After a resume: re-queue every claimed-but-unsent message at once instead of waiting for the sweep. */
  requeueUnsent?: boolean;
}
/** Finds customers eligible now and splits them into invite batches. */
export const CAMPAIGN_FAN_OUT_JOB = defineJob<FanOutData>('campaigns.fan-out', { attempts: 5, backoffMs: 5_000, concurrency: 2 });

export interface InviteBatchData {
  campaignId: string;
  customerIds: string[];
}
/** Customers per invite batch: one transaction claims their cap slots and writes their invitations. */
export const INVITE_BATCH_SIZE = 500;
export const INVITE_BATCH_JOB = defineJob<InviteBatchData>('campaigns.invite-batch', { attempts: 5, backoffMs: 2_000, concurrency: 4 });
/** How long the same batch keeps one job id (see inviteBatchJobId). */
export const INVITE_BATCH_ID_PERIOD_MS = 60 * 60_000;

/**
 * The job id of an invite batch: the same customers for the same campaign get one job however many
 * fan-outs find them while it waits (each tick finds them again until a slow worker gets to it).
 * The period in the id lets the batch be queued again later if its job failed for good or turned
 * everyone away (the queue keeps finished ids for a day, failed ones for a week).
 */
export function inviteBatchJobId(campaignId: string, customerIds: string[], now: Date): string {
  const digest = createHash('sha256').update(customerIds.join(',')).digest('base64url').slice(0, 22);
  return `invite-${campaignId}-${digest}-p${Math.floor(now.getTime() / INVITE_BATCH_ID_PERIOD_MS)}`;
}

export interface SendInvitationsData {
  /** Invitations of one campaign, sent one after the other; all of the same kind. */
  invitationIds: string[];
  kind: MarketingMessageKind;
}
/** Messages sent at once per worker process (the benchmark's bare loop uses the same). */
export const SEND_CONCURRENCY = 10;
/**
 * Invitations per send job: one statement claims them all and the queue's per-job overhead is
 * shared, while each job still sends one message at a time (so SEND_CONCURRENCY messages are in
 * flight per worker, not more).
 */
export const SEND_BATCH_SIZE = 25;
/**
 * Like notifications.send-email: retries ride out an SMTP restart or greylisting. A retried job
 * skips the messages it already sent (their state says so) and sends the rest.
 */
export const SEND_INVITATIONS_JOB = defineJob<SendInvitationsData>('campaigns.send-invitations', {
  attempts: 5,
  backoffMs: 60_000,
  concurrency: SEND_CONCURRENCY,
});

/** Send jobs for these messages, SEND_BATCH_SIZE per job; `tag` keeps the job ids of one round apart from another's. */
export function sendJobs(invitationIds: string[], kind: MarketingMessageKind, tag = ''): { data: SendInvitationsData; opts: { jobId: string } }[] {
  const jobs: { data: SendInvitationsData; opts: { jobId: string } }[] = [];
  for (let i = 0; i < invitationIds.length; i += SEND_BATCH_SIZE) {
    const ids = invitationIds.slice(i, i + SEND_BATCH_SIZE);
    jobs.push({ data: { invitationIds: ids, kind }, opts: { jobId: `send-${ids[0]}-${kind}-${ids.length}${tag}` } });
  }
  return jobs;
}
