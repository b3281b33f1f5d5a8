import { Injectable, Logger } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.service';
import { InvitationsService } from '../invitations/invitations.service';
import { SettingsService } from '../settings/settings.service';
import { LocationsService } from '../locations/locations.service';
import { INVITE_BATCH_JOB, INVITE_BATCH_SIZE, inviteBatchJobId, SEND_INVITATIONS_JOB, sendJobs } from './campaign.jobs';
import { CampaignsRepository } from './campaigns.repository';
import { criteriaFor, sendingHoursOf } from './eligibility-criteria';
import { EligibilityReadModel, MIN_UUID } from './eligibility.read-model';
import { withinSendingHours } from './sending-hours';

/**
 * One pass over a running campaign: pages through the customers eligible right now (at locations
 * whose sending hours are open) and queues them in batches for InviteCustomers, which re-checks
 * everything under the per-customer lock. Safe to run twice at once or again after a crash: a
 * customer already invited drops out of the query, a batch still waiting is not queued again (its
 * job id), and a duplicate batch invites nobody twice.
 */
@Injectable()
export class FanOutCampaign {
  private readonly logger = new Logger(FanOutCampaign.name);

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly eligibility: EligibilityReadModel,
    private readonly invitations: InvitationsService,
    private readonly locations: LocationsService,
    private readonly settings: SettingsService,
    private readonly jobs: JobQueue,
  ) {}

  /** Returns the number of customers queued for invitation. */
  async execute(campaignId: string, options: { requeueUnsent?: boolean; now?: Date } = {}): Promise<number> {
    const now = options.now ?? new Date();
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign || campaign.status !== 'running') return 0;
    if (options.requeueUnsent) await this.requeueUnsent(campaignId, now, now);
    if (campaign.startsAt && campaign.startsAt > now) return 0;
    if (campaign.endsAt && campaign.endsAt <= now) return 0; // the tick ends it
    const cap = (await this.settings.get()).frequencyCap;
    if (cap <= 0) return 0;
    const index = await this.locations.index();
    const hours = sendingHoursOf(campaign);
    const open = index.scope(campaign.locationIds).filter((id) => {
      const location = index.byId.get(id);
      return location && withinSendingHours(hours, location.timezone, now);
    });
    const criteria = criteriaFor(campaign, cap, now);
    let queued = 0;
    for (let after = MIN_UUID; ; ) {
      const ids = await this.eligibility.findEligiblePromoters(criteria, open, after, INVITE_BATCH_SIZE);
      if (ids.length === 0) break;
      await this.jobs.enqueue(INVITE_BATCH_JOB, { campaignId, customerIds: ids }, { jobId: inviteBatchJobId(campaignId, ids, now) });
      queued += ids.length;
      after = ids[ids.length - 1];
    }
    if (queued > 0) this.logger.log({ msg: 'campaign fan-out queued', campaignId, customers: queued });
    return queued;
  }

  /**
   * Queues again the messages that were claimed but never sent and whose worker seems gone (lost in
   * a crash between commit and enqueue, held back by a pause or by sending hours). Job ids carry
   * the round, so a round that ran before doesn't swallow them; sending twice is prevented by the
   * invitation's state and lease, not by the queue.
   */
  async requeueUnsent(campaignId: string, createdBefore: Date, now: Date): Promise<number> {
    const round = Math.floor(now.getTime() / 60_000);
    let total = 0;
    for (let after = MIN_UUID; ; ) {
      const refs = await this.invitations.unsent(campaignId, createdBefore, now, after, 1000);
      if (refs.length === 0) break;
      for (const kind of ['invitation', 'reminder'] as const) {
        const ids = refs.filter((ref) => ref.kind === kind).map((ref) => ref.invitationId);
        await this.jobs.enqueueMany(SEND_INVITATIONS_JOB, sendJobs(ids, kind, `-r${round}`));
      }
      total += refs.length;
      after = refs[refs.length - 1].invitationId;
    }
    return total;
  }
}
