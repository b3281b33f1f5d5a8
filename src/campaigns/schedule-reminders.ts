import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DAY_MS } from '../common/time/days';
import { JobQueue } from '../jobs/job-queue.service';
import { INVITATION_LINK_TTL_MS } from '../invitations/invitation-tokens.service';
import { InvitationsService } from '../invitations/invitations.service';
import { FrequencyCap } from '../invitations/frequency-cap.service';
import { SettingsService } from '../settings/settings.service';
import { LocationsService } from '../locations/locations.service';
import { Campaign } from './campaign.entity';
import { SEND_INVITATIONS_JOB, sendJobs } from './campaign.jobs';
import { sendingHoursOf } from './eligibility-criteria';
import { MIN_UUID } from './eligibility.read-model';
import { withinSendingHours } from './sending-hours';

/**
 * The one optional reminder: to customers whose invitation was delivered at least
 * `reminderAfterDays` ago and never opened. A reminder is a marketing message: it claims a cap slot
 * like an invitation, and a customer with no slot left is tried again on later ticks while their
 * invitation link is still valid.
 */
@Injectable()
export class ScheduleReminders {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invitations: InvitationsService,
    private readonly ledger: FrequencyCap,
    private readonly locations: LocationsService,
    private readonly settings: SettingsService,
    private readonly jobs: JobQueue,
  ) {}

  /** Returns the number of reminders queued. */
  async execute(campaign: Campaign, now = new Date()): Promise<number> {
    if (campaign.status !== 'running' || !campaign.reminderAfterDays) return 0;
    const cap = (await this.settings.get()).frequencyCap;
    if (cap <= 0) return 0;
    const index = await this.locations.index();
    const open = index.scope(campaign.locationIds).filter((id) => {
      const location = index.byId.get(id);
      return location && withinSendingHours(sendingHoursOf(campaign), location.timezone, now);
    });
    if (open.length === 0) return 0;
    const window = {
      sentAfter: new Date(now.getTime() - INVITATION_LINK_TTL_MS),
      sentBefore: new Date(now.getTime() - campaign.reminderAfterDays * DAY_MS),
    };
    let queued = 0;
    for (let after = MIN_UUID; ; ) {
      const due = await this.invitations.remindersDue(campaign.id, window, open, after, 500);
      if (due.length === 0) break;
      after = due[due.length - 1].invitationId;
      const granted = await this.dataSource.transaction(async (manager) => {
        await this.ledger.lockCustomers(manager, due.map((d) => d.customerId));
        // Under the lock: another tick may have claimed some of these meanwhile.
        const still = await this.invitations.unremindedAmong(manager, due.map((d) => d.invitationId));
        const claims = due
          .filter((d) => still.has(d.invitationId))
          .map((d) => ({ customerId: d.customerId, campaignId: campaign.id, invitationId: d.invitationId, kind: 'reminder' as const }));
        const ok = await this.ledger.claimMessageSlots(manager, claims, cap, now, { locked: true });
        await this.invitations.markRemindersPending(manager, ok.map((c) => c.invitationId));
        return ok;
      });
      await this.jobs.enqueueMany(SEND_INVITATIONS_JOB, sendJobs(granted.map((c) => c.invitationId), 'reminder'));
      queued += granted.length;
    }
    return queued;
  }
}
