import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { dbTime, dialectOf } from '../database/sql';
import { RewardCode } from './reward-code.entity';
import { RewardOffer } from './reward-offer.entity';

const INSERT_BATCH = 500;

/** Who an issued code belongs to, and why. */
export interface CodeOwner {
  customerId: string;
  recommendationId: string;
  locationId: string;
  issuedAt: Date;
}

/** What is left to give. */
export interface OfferSupply {
  budgetLeft: number;
  budget: number;
  poolLeft: number | null;
  poolSize: number | null;
}

/** Below 10% of the budget or the pool, or spent. */
export function supplyLevel(s: OfferSupply): 'ok' | 'low' | 'out' {
  if (s.budgetLeft <= 0 || s.poolLeft === 0) return 'out';
  if (s.budgetLeft < s.budget * 0.1 || (s.poolLeft !== null && s.poolSize !== null && s.poolLeft < s.poolSize * 0.1)) return 'low';
  return 'ok';
}

/** What an offer says (not its bookkeeping). */
export type OfferFields = Pick<RewardOffer, 'description' | 'terms' | 'expiresAt' | 'budget' | 'codeSource' | 'codePrefix' | 'disclosure'>;

/** Data access for offers and codes; the rules live in the services. */
@Injectable()
export class RewardsRepository {
  constructor(@InjectRepository(RewardOffer) private readonly offers: Repository<RewardOffer>) {}

  offerForCampaign(campaignId: string, manager: EntityManager = this.offers.manager): Promise<RewardOffer | null> {
    return manager.findOneBy(RewardOffer, { campaignId });
  }

  async insertOffer(manager: EntityManager, values: Partial<RewardOffer>): Promise<RewardOffer> {
    const saved = await manager.save(RewardOffer, manager.create(RewardOffer, values));
    return (await manager.findOneBy(RewardOffer, { id: saved.id }))!;
  }

  /**
   * Any change while no code is out: false when a code was issued meanwhile (the condition is checked by
   * the database in the same statement, so a racing issue can't slip between check and write).
   */
  async updateUnlocked(manager: EntityManager, id: string, values: Partial<OfferFields>): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(RewardOffer)
      .set({ ...values, updatedAt: new Date() })
      .where('id = :id AND reserved = 0', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** What may change once codes are out: a budget that doesn't go down, an expiry that doesn't come sooner. */
  async updateLocked(manager: EntityManager, id: string, values: Pick<RewardOffer, 'budget' | 'expiresAt'>): Promise<void> {
    await manager.update(RewardOffer, { id }, { ...values, updatedAt: new Date() });
  }

  /** Deletes the offer (and its pool) while no code is out; false otherwise. */
  async deleteUnlocked(manager: EntityManager, id: string): Promise<boolean> {
    await manager.delete(RewardCode, { offerId: id, status: 'available' });
    const result = await manager.createQueryBuilder().delete().from(RewardOffer).where('id = :id AND reserved = 0', { id }).execute();
    return (result.affected ?? 0) > 0;
  }

  /** Drops a pool's unissued codes (the offer switched to generated codes). */
  async deleteAvailableCodes(manager: EntityManager, offerId: string): Promise<number> {
    const result = await manager.delete(RewardCode, { offerId, status: 'available' });
    return result.affected ?? 0;
  }

  async countAvailable(offerId: string, manager: EntityManager = this.offers.manager): Promise<number> {
    return manager.countBy(RewardCode, { offerId, status: 'available' });
  }

  /** Which of these codes exist already (in any offer). */
  async existingCodes(codes: string[], manager: EntityManager = this.offers.manager): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < codes.length; i += INSERT_BATCH) {
      const rows = await manager.find(RewardCode, { select: { code: true }, where: { code: In(codes.slice(i, i + INSERT_BATCH)) } });
      for (const row of rows) found.add(row.code);
    }
    return found;
  }

  async insertPoolCodes(manager: EntityManager, offerId: string, codes: string[]): Promise<void> {
    for (let i = 0; i < codes.length; i += INSERT_BATCH) {
      await manager.insert(RewardCode, codes.slice(i, i + INSERT_BATCH).map((code) => ({ offerId, code, status: 'available' as const })));
    }
  }

  /**
   * Takes one unit of the offer's budget: a single conditional UPDATE, so however many workers race, no
   * more than `budget` succeed (and the check constraint would refuse it anyway). On PostgreSQL the row
   * stays locked until the caller's transaction ends, which also serialises the pool claims below.
   */
  async takeBudget(manager: EntityManager, offerId: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(RewardOffer)
      .set({ reserved: () => 'reserved + 1' })
      .where('id = :offerId AND reserved < budget', { offerId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Hands an available pool code to the owner; null when the pool is empty. */
  async claimPoolCode(manager: EntityManager, offerId: string, owner: CodeOwner): Promise<RewardCode | null> {
    const postgres = dialectOf(manager) === 'postgres';
    const p = postgres ? (n: number) => `$${n}` : () => '?';
    const rows: { id: string }[] = await manager.query(
      `UPDATE reward_code SET status = 'issued', customer_id = ${p(1)}, recommendation_id = ${p(2)}, location_id = ${p(3)}, issued_at = ${p(4)}
        WHERE id = (SELECT id FROM reward_code WHERE offer_id = ${p(5)} AND status = 'available'
                    ORDER BY created_at, code LIMIT 1${postgres ? ' FOR UPDATE SKIP LOCKED' : ''})
        RETURNING id`,
      [owner.customerId, owner.recommendationId, owner.locationId, dbTime(dialectOf(manager), owner.issuedAt), offerId],
    );
    const id = (Array.isArray(rows[0]) ? (rows[0] as { id: string }[])[0] : rows[0])?.id;
    return id ? manager.findOneBy(RewardCode, { id }) : null;
  }

  async insertIssuedCode(manager: EntityManager, offerId: string, code: string, owner: CodeOwner): Promise<RewardCode> {
    const values = { offerId, code, status: 'issued' as const, ...owner };
    await manager.insert(RewardCode, values);
    return (await manager.findOneBy(RewardCode, { code }))!;
  }

  codeOf(manager: EntityManager, offerId: string, customerId: string): Promise<RewardCode | null> {
    return manager.findOneBy(RewardCode, { offerId, customerId });
  }

  /** Marks the code emailed unless it was (or it was voided); true when this call did. A code used before its email went out is still sent: it is the customer's record. */
  async markEmailed(manager: EntityManager, codeId: string, at: Date): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(RewardCode)
      .set({ emailedAt: at })
      .where("id = :codeId AND emailed_at IS NULL AND status IN ('issued', 'redeemed')", { codeId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  codeById(id: string, manager: EntityManager = this.offers.manager): Promise<RewardCode | null> {
    return manager.findOneBy(RewardCode, { id });
  }

  offerById(id: string, manager: EntityManager = this.offers.manager): Promise<RewardOffer | null> {
    return manager.findOneBy(RewardOffer, { id });
  }

  /** A customer's codes with their offers, newest first (their preference page). */
  codesOfCustomer(customerId: string): Promise<RewardCode[]> {
    return this.offers.manager.find(RewardCode, { where: { customerId }, relations: { offer: true }, order: { issuedAt: 'DESC' } });
  }

  /** An offer's latest voided codes, newest first. */
  recentlyVoided(offerId: string, limit: number): Promise<RewardCode[]> {
    return this.offers.manager.find(RewardCode, { where: { offerId, status: 'voided' }, order: { voidedAt: 'DESC' }, take: limit });
  }

  /** Erasure: the void reasons of a customer's codes (free text staff wrote, which may be about them). */
  async clearVoidReasons(manager: EntityManager, customerId: string): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(RewardCode)
      .set({ voidReason: null })
      .where('customer_id = :customerId AND void_reason IS NOT NULL', { customerId })
      .execute();
    return result.affected ?? 0;
  }

  codeByValue(code: string): Promise<RewardCode | null> {
    return this.offers.manager.findOneBy(RewardCode, { code });
  }

  /** Issued → redeemed, once: false when it wasn't issued any more (a racing till, a void). */
  async markRedeemed(manager: EntityManager, codeId: string, at: Date, by: string, key: string | null): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(RewardCode)
      .set({ status: 'redeemed', redeemedAt: at, redeemedBy: by.slice(0, 64), redeemKey: key })
      .where("id = :codeId AND status = 'issued'", { codeId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Issued → voided: false when it was redeemed or voided already. */
  async markVoided(manager: EntityManager, codeId: string, at: Date, reason: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(RewardCode)
      .set({ status: 'voided', voidedAt: at, voidReason: reason })
      .where("id = :codeId AND status = 'issued'", { codeId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** What is left of an offer: budget, and for a pool its unissued codes and size. */
  async supply(manager: EntityManager, offer: RewardOffer): Promise<OfferSupply> {
    const budgetLeft = offer.budget - offer.reserved;
    if (offer.codeSource !== 'pool') return { budgetLeft, budget: offer.budget, poolLeft: null, poolSize: null };
    const poolLeft = await manager.countBy(RewardCode, { offerId: offer.id, status: 'available' });
    const poolSize = await manager.countBy(RewardCode, { offerId: offer.id });
    return { budgetLeft, budget: offer.budget, poolLeft, poolSize };
  }

  /** Marks the low or spent alert as given; false when it had been (by a racing job). Spent implies low. */
  async claimAlert(manager: EntityManager, offerId: string, kind: 'low' | 'out', at: Date): Promise<boolean> {
    const column = kind === 'low' ? 'low_alerted_at' : 'out_alerted_at';
    const result = await manager
      .createQueryBuilder()
      .update(RewardOffer)
      .set(kind === 'low' ? { lowAlertedAt: at } : { outAlertedAt: at })
      .where(`id = :offerId AND ${column} IS NULL`, { offerId })
      .execute();
    const claimed = (result.affected ?? 0) > 0;
    // Spent says all a low alert would: none comes after it.
    if (claimed && kind === 'out') await manager.createQueryBuilder().update(RewardOffer).set({ lowAlertedAt: at }).where('id = :offerId AND low_alerted_at IS NULL', { offerId }).execute();
    return claimed;
  }

  /** More codes to give (a larger budget, pool codes added): the alerts may be given again. */
  async resetAlerts(manager: EntityManager, offerId: string): Promise<void> {
    await manager.update(RewardOffer, { id: offerId }, { lowAlertedAt: null, outAlertedAt: null });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.offers.manager.transaction(work);
  }
}
