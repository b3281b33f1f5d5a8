import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MarketingMessageKind } from './marketing-message.entity';
import { MessageClaim, MessageLedger } from './message-ledger.repository';

export { CAP_WINDOW_MS } from './message-ledger.repository';
export type { MessageClaim } from './message-ledger.repository';

/**
 * Principle 3 for every sender: claims and releases frequency-cap slots in the `marketing_message`
 * ledger, which only this module writes (see MessageLedger for the per-customer locking).
 */
@Injectable()
export class FrequencyCap {
  constructor(private readonly ledger: MessageLedger) {}

  /** Must run inside a transaction; the customers' locks are released at its end. */
  lockCustomers(manager: EntityManager, customerIds: string[]): Promise<void> {
    return this.ledger.lockCustomers(manager, customerIds);
  }

  countSince(manager: EntityManager, customerIds: string[], since: Date): Promise<Map<string, number>> {
    return this.ledger.countSince(manager, customerIds, since);
  }

  /** Claims one slot per claim while the customer is under `cap`; returns the granted claims. */
  claimMessageSlots(manager: EntityManager, claims: MessageClaim[], cap: number, now = new Date(), options: { locked?: boolean } = {}): Promise<MessageClaim[]> {
    return this.ledger.claimMessageSlots(manager, claims, cap, now, options);
  }

  claimMessageSlot(manager: EntityManager, claim: MessageClaim, cap: number, now = new Date()): Promise<boolean> {
    return this.ledger.claimMessageSlot(manager, claim, cap, now);
  }

  /**
   * Right before sending, under the customer's lock (in `manager`'s transaction): counts the message
   * now if one more still fits under `cap` in the 30 days up to `now`; false if it may not be sent.
   */
  countAtSend(claim: MessageClaim, cap: number, now: Date, manager: EntityManager): Promise<boolean> {
    return this.ledger.countAtSend(claim, cap, now, manager);
  }

  /** Gives a slot back: its message will never be sent. */
  release(manager: EntityManager, invitationId: string, kind: MarketingMessageKind): Promise<void> {
    return this.ledger.release(manager, invitationId, kind);
  }
}
