import { Injectable } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { AppConfig } from '../config/app-config';
import { OutboxService } from '../jobs/outbox.service';
import { SEND_EMAIL_JOB } from '../notifications/send-email.job';
import { UsersService } from '../users/users.service';
import { RewardsRepository, supplyLevel } from './rewards.repository';

/**
 * One email to every active marketer when an offer falls below 10% of its budget or pool, and one when it
 * is spent (advocates are then no longer offered it). The level is judged, the alert marked and the emails
 * queued in one transaction, so a job that runs twice sends nothing twice. Transactional staff email.
 */
@Injectable()
export class RewardBudgetAlert {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly campaigns: CampaignsService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /** The alert this call sent ('low' or 'out'), or null. */
  async execute(offerId: string, now = new Date()): Promise<'low' | 'out' | null> {
    // Read outside the transaction: SQLite's transactions take turns with reads from outside them.
    const marketers = (await this.users.list()).filter((u) => u.active && u.role === 'marketer');
    const offer = await this.rewards.offerById(offerId);
    if (!offer) return null;
    const campaign = await this.campaigns.findById(offer.campaignId);
    const sent = await this.rewards.transaction(async (manager) => {
      const current = (await this.rewards.offerById(offerId, manager))!;
      const supply = await this.rewards.supply(manager, current);
      const level = supplyLevel(supply);
      if (level === 'ok' || !(await this.rewards.claimAlert(manager, offerId, level, now))) return null;
      const left = supply.poolLeft === null ? supply.budgetLeft : Math.min(supply.budgetLeft, supply.poolLeft);
      for (const marketer of marketers) {
        await this.outbox.add(manager, SEND_EMAIL_JOB, {
          to: marketer.email,
          template: 'reward-budget-alert',
          subject: level === 'out' ? `Rewards spent: ${campaign?.name ?? 'a campaign'}` : `Rewards running low: ${campaign?.name ?? 'a campaign'}`,
          kind: 'transactional',
          context: {
            out: level === 'out',
            campaignName: campaign?.name ?? '',
            description: current.description,
            left,
            budget: current.budget,
            issued: current.reserved,
            poolLeft: supply.poolLeft,
            url: `${this.config.publicUrl}/dashboard/campaigns/${current.campaignId}/reward`,
          },
        });
      }
      return level;
    });
    if (sent) this.outbox.kick();
    return sent;
  }
}
