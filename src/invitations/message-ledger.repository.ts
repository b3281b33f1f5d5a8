import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { MarketingMessage, MarketingMessageKind } from './marketing-message.entity';
import { chunks, dialectOf, readCount, SqlParams } from '../database/sql';

/** Principle 3's window: at most `frequencyCap` marketing messages in any rolling 30 days. */
export const CAP_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** Key space of the per-customer advisory locks (the two-int form; the migration lock uses the one-bigint form). */
const LEDGER_LOCK_SPACE = 471_113_002;

export interface MessageClaim {
  customerId: string;
  campaignId: string;
  invitationId: string;
  kind: MarketingMessageKind;
}

/**
 * The frequency-cap ledger (see MarketingMessage). Counting and writing a customer's rows happens
 * under a per-customer lock held to the end of the caller's transaction, so workers racing for the
 * same customer (two campaigns, two processes) take turns and can't both see "one slot left".
 * PostgreSQL: `pg_advisory_xact_lock` per customer, taken in one fixed order (no deadlocks), which
 * doesn't block the feedback import's row locks on `customer`. SQLite: one process whose
 * transactions already take turns (src/database/sqlite-transactions.ts).
 */
@Injectable()
export class MessageLedger {
  /** Must run inside a transaction; the locks are released at its end. */
  async lockCustomers(manager: EntityManager, customerIds: string[]): Promise<void> {
    if (customerIds.length === 0 || dialectOf(manager) !== 'postgres') return;
    await manager.query(
      `SELECT count(pg_advisory_xact_lock(${LEDGER_LOCK_SPACE}, k))
       FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS t(id) ORDER BY 1) AS ordered`,
      [customerIds],
    );
  }

  /** Messages each customer got (or is about to get) since `since`; customers with none are absent. */
  async countSince(manager: EntityManager, customerIds: string[], since: Date): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const chunk of chunks(customerIds, 1000)) {
      const p = new SqlParams(dialectOf(manager));
      const rows: { customer_id: string; n: unknown }[] = await manager.query(
        `SELECT customer_id, count(*) AS n FROM marketing_message
         WHERE customer_id ${p.inIds(chunk)} AND counted_at > ${p.time(since)} GROUP BY customer_id`,
        p.values,
      );
      for (const row of rows) counts.set(row.customer_id, readCount(row.n));
    }
    return counts;
  }

  /**
   * Claims one message slot per claim, in the caller's transaction: locks the customers, counts their
   * last 30 days and records a ledger row for each claim that still fits under `cap` (claims are
   * granted in the order given). Returns the granted claims; the caller sends only those. `locked`:
   * the caller already holds these customers' locks in this transaction.
   */
  async claimMessageSlots(
    manager: EntityManager,
    claims: MessageClaim[],
    cap: number,
    now = new Date(),
    options: { locked?: boolean } = {},
  ): Promise<MessageClaim[]> {
    if (claims.length === 0 || cap <= 0) return [];
    const customerIds = [...new Set(claims.map((c) => c.customerId))];
    if (!options.locked) await this.lockCustomers(manager, customerIds);
    const used = await this.countSince(manager, customerIds, new Date(now.getTime() - CAP_WINDOW_MS));
    const granted: MessageClaim[] = [];
    for (const claim of claims) {
      const count = used.get(claim.customerId) ?? 0;
      if (count >= cap) continue;
      used.set(claim.customerId, count + 1);
      granted.push(claim);
    }
    await this.record(manager, granted, now);
    return granted;
  }

  /** One claim (a reminder): true when the customer had a slot left and it is now taken. */
  async claimMessageSlot(manager: EntityManager, claim: MessageClaim, cap: number, now = new Date()): Promise<boolean> {
    return (await this.claimMessageSlots(manager, [claim], cap, now)).length === 1;
  }

  /**
   * Right before a message is sent: under the customer's lock, counts the customer's other messages
   * in the 30 days up to `now` and, if one more still fits under `cap`, moves this message's row to
   * `now` (writing it if missing). Counting a message at its send time, not at its claim, is what
   * keeps the cap when a claim waits (paused campaign, sending hours) past the window's start: the
   * claim's old time no longer counts, so others may have been sent meanwhile. Returns false when the
   * message may not be sent now. `manager` must be a transaction (the lock is held to its end).
   */
  async countAtSend(claim: MessageClaim, cap: number, now: Date, manager: EntityManager): Promise<boolean> {
    if (cap <= 0) return false;
    await this.lockCustomers(manager, [claim.customerId]);
    const p = new SqlParams(dialectOf(manager));
    const cast = (placeholder: string, type: string) => (p.dialect === 'postgres' ? `${placeholder}::${type}` : placeholder);
    // One statement after the lock (a statement's snapshot is taken when it starts, so it sees every
    // send committed by whoever held the lock before).
    const rows: unknown[] = await manager.query(
      `INSERT INTO marketing_message (id, customer_id, campaign_id, invitation_id, kind, counted_at)
       SELECT ${cast(p.add(randomUUID()), 'uuid')}, ${cast(p.add(claim.customerId), 'uuid')}, ${cast(p.add(claim.campaignId), 'uuid')},
              ${cast(p.add(claim.invitationId), 'uuid')}, ${cast(p.add(claim.kind), 'varchar')}, ${cast(p.time(now), 'timestamptz')}
       WHERE (SELECT count(*) FROM marketing_message
              WHERE customer_id = ${p.add(claim.customerId)} AND counted_at > ${p.time(new Date(now.getTime() - CAP_WINDOW_MS))}
                AND NOT (invitation_id = ${p.add(claim.invitationId)} AND kind = ${p.add(claim.kind)})) < ${p.add(cap)}
       ON CONFLICT (invitation_id, kind) DO UPDATE SET counted_at = excluded.counted_at
       RETURNING id`,
      p.values,
    );
    return rows.length > 0;
  }

  /** Gives a slot back: the message it was claimed for will never be sent. */
  async release(manager: EntityManager, invitationId: string, kind: MarketingMessageKind): Promise<void> {
    await manager.delete(MarketingMessage, { invitationId, kind });
  }

  private async record(manager: EntityManager, claims: MessageClaim[], countedAt: Date): Promise<void> {
    if (claims.length === 0) return;
    if (dialectOf(manager) === 'postgres') {
      await manager.query(
        `INSERT INTO marketing_message (id, customer_id, campaign_id, invitation_id, kind, counted_at)
         SELECT gen_random_uuid(), t.customer_id, t.campaign_id, t.invitation_id, t.kind, $5
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS t(customer_id, campaign_id, invitation_id, kind)`,
        [claims.map((c) => c.customerId), claims.map((c) => c.campaignId), claims.map((c) => c.invitationId), claims.map((c) => c.kind), countedAt.toISOString()],
      );
      return;
    }
    for (const chunk of chunks(claims, 1000)) {
      if (chunk.length === 0) continue;
      await manager
        .createQueryBuilder()
        .insert()
        .into(MarketingMessage)
        .values(chunk.map((claim) => ({ id: randomUUID(), ...claim, countedAt })))
        .updateEntity(false)
        .execute();
    }
  }
}
