import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { RewardCodeView } from './dto/reward-code.dto';
import { RewardCode } from './reward-code.entity';
import { normaliseCode } from './reward-codes';
import { RewardOffer } from './reward-offer.entity';
import { RewardsRepository } from './rewards.repository';

/** An Idempotency-Key is the client's; it is stored as sent, up to this length. */
export const MAX_IDEMPOTENCY_KEY = 200;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * Codes at the point of sale: look one up, redeem it once, and (staff) void it with a reason. Redeeming is
 * one conditional UPDATE, so two tills racing with the same code get one 200 and one 409; a retry carrying
 * the first request's Idempotency-Key gets the first answer again.
 */
@Injectable()
export class RewardCodesService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Tills (API keys) see the status but not a void's reason: staff's note, which may be about the customer. */
  async lookup(actor: Actor, raw: string, now = new Date()): Promise<RewardCodeView> {
    const { code, offer } = await this.find(raw);
    const view = viewOf(code, offer, now);
    return actor.type === 'staff' ? view : { ...view, voidReason: null };
  }

  async redeem(actor: Actor, raw: string, idempotencyKey: string | null, now = new Date()): Promise<RewardCodeView> {
    const key = idempotencyKey?.slice(0, MAX_IDEMPOTENCY_KEY) || null;
    const { code, offer } = await this.find(raw);
    if (this.isRetry(code, actor, key)) return viewOf(code, offer, now);
    this.refuseUnlessRedeemable(code, offer, now);
    const redeemed = await this.rewards.transaction(async (manager) => {
      if (!(await this.rewards.markRedeemed(manager, code.id, now, actor.id ?? actor.type, key))) return false;
      await this.audit.record(actor, { action: 'reward.redeem', subjectType: 'reward_code', subjectId: code.id, details: { offerId: offer.id } }, manager);
      return true;
    });
    const after = (await this.rewards.codeById(code.id))!;
    // Lost a race: the other request's answer, unless it was this client's own first try.
    if (!redeemed && !this.isRetry(after, actor, key)) this.refuseUnlessRedeemable(after, offer, now);
    return viewOf(after, offer, now);
  }

  async void(actor: Actor, raw: string, reason: string, now = new Date()): Promise<RewardCodeView> {
    const { code, offer } = await this.find(raw);
    const voided = await this.rewards.transaction(async (manager) => {
      if (!(await this.rewards.markVoided(manager, code.id, now, reason))) return false;
      // The reason stays on the code, not in the audit log: it is free text (it may name the customer), and the
      // append-only log could never forget it when the customer's data is erased.
      await this.audit.record(actor, { action: 'reward.void', subjectType: 'reward_code', subjectId: code.id, details: { offerId: offer.id } }, manager);
      return true;
    });
    const after = (await this.rewards.codeById(code.id))!;
    if (!voided) throw new ConflictException(after.status === 'redeemed' ? 'This code was redeemed already: it can’t be voided' : 'This code was voided already');
    return viewOf(after, offer, now);
  }

  /** The offer's latest voided codes with their reasons (the offer page, for staff who may void). */
  async recentlyVoided(offerId: string, limit = 10): Promise<{ code: string; voidedAt: Date | null; reason: string | null }[]> {
    const codes = await this.rewards.recentlyVoided(offerId, limit);
    return codes.map((c) => ({ code: c.code, voidedAt: c.voidedAt, reason: c.voidReason }));
  }

  /** Part of erasing a customer, in its transaction: their codes keep their status but lose the void reasons. */
  eraseForCustomer(manager: EntityManager, customerId: string): Promise<number> {
    return this.rewards.clearVoidReasons(manager, customerId);
  }

  /** An issued (or used) code; a pool code nobody received yet is as unknown as a made-up one. */
  private async find(raw: string): Promise<{ code: RewardCode; offer: RewardOffer }> {
    const code = await this.rewards.codeByValue(normaliseCode(raw));
    if (!code || code.status === 'available') throw new NotFoundException('Unknown code');
    return { code, offer: (await this.rewards.offerById(code.offerId))! };
  }

  private isRetry(code: RewardCode, actor: Actor, key: string | null): boolean {
    return key !== null && code.status === 'redeemed' && code.redeemKey === key && code.redeemedBy === (actor.id ?? actor.type);
  }

  private refuseUnlessRedeemable(code: RewardCode, offer: RewardOffer, now: Date): void {
    if (code.status === 'redeemed') throw new ConflictException(`This code was redeemed already, at ${iso(code.redeemedAt)}`);
    if (code.status === 'voided') throw new ConflictException('This code was voided');
    if (isExpired(offer, now)) throw new ConflictException(`This code expired at ${iso(offer.expiresAt)}`);
  }
}

function isExpired(offer: RewardOffer, now: Date): boolean {
  return offer.expiresAt !== null && new Date(offer.expiresAt).getTime() <= now.getTime();
}

function viewOf(code: RewardCode, offer: RewardOffer, now: Date): RewardCodeView {
  const status = code.status === 'issued' && isExpired(offer, now) ? 'expired' : (code.status as Exclude<RewardCode['status'], 'available'>);
  return {
    code: code.code,
    status,
    description: offer.description,
    terms: offer.terms,
    campaignId: offer.campaignId,
    expiresAt: iso(offer.expiresAt),
    issuedAt: iso(code.issuedAt),
    redeemedAt: iso(code.redeemedAt),
    voidedAt: iso(code.voidedAt),
    voidReason: code.voidReason,
  };
}
