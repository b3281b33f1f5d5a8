import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.service';
import { InvitationsService, NewInvitation } from '../invitations/invitations.service';
import { FrequencyCap } from '../invitations/frequency-cap.service';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { SuppressionList } from '../preferences/suppression-list.service';
import { SettingsService } from '../settings/settings.service';
import { SEND_INVITATIONS_JOB, sendJobs } from './campaign.jobs';
import { CampaignsRepository } from './campaigns.repository';
import { criteriaFor } from './eligibility-criteria';
import { EligibilityReadModel } from './eligibility.read-model';

/**
 * Invites one batch of customers to a campaign, exactly once each. In one transaction, holding each
 * customer's ledger lock: re-check eligibility (and the suppression list by HMAC), skip anyone
 * already invited to this campaign, claim a frequency-cap slot per customer, write the pending
 * invitations and make sure each has a preference token. Only after the commit are the send jobs
 * queued (a crash in between leaves pending invitations, which the tick's sweep queues later).
 */
@Injectable()
export class InviteCustomers {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly eligibility: EligibilityReadModel,
    private readonly invitations: InvitationsService,
    private readonly ledger: FrequencyCap,
    private readonly suppression: SuppressionList,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly settings: SettingsService,
    private readonly jobs: JobQueue,
  ) {}

  /** Returns the invitations created. */
  async execute(campaignId: string, customerIds: string[], now = new Date()): Promise<NewInvitation[]> {
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign || campaign.status !== 'running' || customerIds.length === 0) return [];
    const cap = (await this.settings.get()).frequencyCap;
    if (cap <= 0) return [];
    const criteria = criteriaFor(campaign, cap, now);
    const ids = [...new Set(customerIds)];

    const created = await this.dataSource.transaction(async (manager) => {
      await this.ledger.lockCustomers(manager, ids);
      const eligible = await this.eligibility.recheck(manager, criteria, ids);
      const suppressed = await this.suppression.suppressedAmong(eligible, manager);
      const invited = await this.invitations.invitedAmong(manager, campaignId, eligible.map((c) => c.id));
      const drafts: NewInvitation[] = eligible
        .filter((c) => !suppressed.has(c.id) && !invited.has(c.id))
        .map((c) => ({ id: randomUUID(), campaignId, customerId: c.id, locationId: c.locationId }));
      const granted = await this.ledger.claimMessageSlots(
        manager,
        drafts.map((d) => ({ customerId: d.customerId, campaignId, invitationId: d.id, kind: 'invitation' as const })),
        cap,
        now,
        { locked: true },
      );
      const grantedIds = new Set(granted.map((g) => g.invitationId));
      const rows = drafts.filter((d) => grantedIds.has(d.id));
      await this.invitations.insertPending(manager, rows, now);
      await this.preferenceTokens.ensure(rows.map((r) => r.customerId), manager);
      return rows;
    });

    await this.jobs.enqueueMany(SEND_INVITATIONS_JOB, sendJobs(created.map((row) => row.id), 'invitation'));
    return created;
  }
}
