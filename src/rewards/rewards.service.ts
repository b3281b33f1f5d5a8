import { ConflictException, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../jobs/outbox.service';
import { SettingsService } from '../settings/settings.service';
import { RewardCode } from './reward-code.entity';
import { generateCode } from './reward-codes';
import { disclosureTextOf } from './reward-offers.service';
import { RewardOffer } from './reward-offer.entity';
import { CodeOwner, RewardsRepository, supplyLevel } from './rewards.repository';
import { REWARD_BUDGET_ALERT_JOB, SEND_REWARD_CODE_JOB } from './rewards.jobs';

/** What the advocate's page may offer: the same for every approved recommendation of the campaign. */
export interface OfferForAdvocate {
  offerId: string;
  description: string;
  terms: string;
  expiresAt: Date | null;
  /** The disclosure line, brand filled in: the first line of the approved text when accepted. */
  disclosure: string;
  /** A code can still be issued (budget and pool left, not expired). */
  available: boolean;
}

export interface CustomerRewardCode {
  code: string;
  description: string;
  terms: string;
  expiresAt: Date | null;
  status: 'issued' | 'redeemed' | 'voided' | 'expired';
}

/** The gifts ran out between the write step and approval: nothing is approved; the customer may approve without it. */
export class RewardsRanOut extends ConflictException {
  constructor() {
    super('Sorry, the thank-you gifts have run out. You can still approve your recommendation without the gift, and then it carries no disclosure line.');
  }
}

const GENERATE_TRIES = 5;

/**
 * Rewards as other modules see them: the offer of a campaign, and reserving a code inside the
 * approval's transaction, so a disclosed gift always exists and no gift goes undisclosed (principle 4).
 */
@Injectable()
export class RewardsService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async offerFor(campaignId: string, now = new Date()): Promise<OfferForAdvocate | null> {
    const offer = await this.rewards.offerForCampaign(campaignId);
    if (!offer) return null;
    return {
      offerId: offer.id,
      description: offer.description,
      terms: offer.terms,
      expiresAt: offer.expiresAt,
      disclosure: disclosureTextOf(offer.disclosure, (await this.settings.get()).brandName),
      available: await this.available(offer, now),
    };
  }

  /**
   * Reserves the customer's code for this approval, in its transaction: one unit of budget, then a pool
   * code or a generated one. Throws RewardsRanOut (the caller's transaction then rolls back, so nothing is
   * approved) when the budget or pool is spent or the offer expired. A customer who has this offer's code
   * already keeps it and gets no second one.
   */
  async reserve(manager: EntityManager, campaignId: string, owner: CodeOwner): Promise<RewardCode> {
    const offer = await this.rewards.offerForCampaign(campaignId, manager);
    if (!offer || (offer.expiresAt && new Date(offer.expiresAt).getTime() <= owner.issuedAt.getTime())) throw new RewardsRanOut();
    const existing = await this.rewards.codeOf(manager, offer.id, owner.customerId);
    if (existing) return existing;
    if (!(await this.rewards.takeBudget(manager, offer.id))) throw new RewardsRanOut();
    const code = offer.codeSource === 'pool' ? await this.rewards.claimPoolCode(manager, offer.id, owner) : await this.generate(manager, offer, owner);
    if (!code) throw new RewardsRanOut();
    await this.audit.record(
      { type: 'customer', id: owner.customerId },
      { action: 'reward.reserve', subjectType: 'reward_code', subjectId: code.id, details: { offerId: offer.id, recommendationId: owner.recommendationId } },
      manager,
    );
    // Emailed after the commit (the outbox row commits with the approval, or not at all).
    await this.outbox.add(manager, SEND_REWARD_CODE_JOB, { codeId: code.id });
    // Few or no codes left now, and marketers not told yet: the alert job tells them (once).
    const after = (await this.rewards.offerById(offer.id, manager))!;
    const level = supplyLevel(await this.rewards.supply(manager, after));
    if ((level === 'low' && !after.lowAlertedAt) || (level === 'out' && !after.outAlertedAt)) {
      await this.outbox.add(manager, REWARD_BUDGET_ALERT_JOB, { offerId: offer.id });
    }
    return code;
  }

  /** A customer's codes, with what they are for: their preference page shows them. */
  async codesOf(customerId: string, now = new Date()): Promise<CustomerRewardCode[]> {
    return (await this.rewards.codesOfCustomer(customerId)).map((c) => ({
      code: c.code,
      description: c.offer!.description,
      terms: c.offer!.terms,
      expiresAt: c.offer!.expiresAt,
      status: c.status === 'issued' && c.offer!.expiresAt && new Date(c.offer!.expiresAt).getTime() <= now.getTime() ? 'expired' : (c.status as CustomerRewardCode['status']),
    }));
  }

  private async available(offer: RewardOffer, now: Date): Promise<boolean> {
    if (offer.expiresAt && new Date(offer.expiresAt).getTime() <= now.getTime()) return false;
    if (offer.reserved >= offer.budget) return false;
    return offer.codeSource === 'generated' || (await this.rewards.countAvailable(offer.id)) > 0;
  }

  /** 65 random bits make a clash all but impossible; a failed INSERT would abort a PostgreSQL transaction, so each draw is checked first. */
  private async generate(manager: EntityManager, offer: RewardOffer, owner: CodeOwner): Promise<RewardCode> {
    for (let i = 0; i < GENERATE_TRIES; i++) {
      const code = generateCode(offer.codePrefix);
      if ((await this.rewards.existingCodes([code], manager)).size === 0) return this.rewards.insertIssuedCode(manager, offer.id, code, owner);
    }
    throw new Error('Could not draw an unused reward code');
  }
}
