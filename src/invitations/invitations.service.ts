import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Invitation } from './invitation.entity';
import { InvitationToken } from './invitation-token.entity';
import { InvitationsRepository, MessageRef, NewInvitation, ReminderCandidate, SentLink } from './invitations.repository';

export type { MessageRef, NewInvitation, ReminderCandidate, SentLink } from './invitations.repository';

/**
 * The invitations module's API for the invitation table: what campaigns (fan-out, sending, reminders,
 * ending) and the demo seed may do to invitations. Other modules use this, never InvitationsRepository,
 * so every write to `invitation` stays in this module (see docs/ARCHITECTURE.md).
 */
@Injectable()
export class InvitationsService {
  constructor(private readonly invitations: InvitationsRepository) {}

  /**
   * Erasure: the customer's unsent invitations and reminders are cancelled and every invitation link
   * stops working. Sent ones stay (the campaign counts). Returns the customer's invitation ids.
   */
  async closeForCustomer(manager: EntityManager, customerId: string): Promise<string[]> {
    const ids = (await manager.find(Invitation, { select: { id: true }, where: { customerId } })).map((row) => row.id);
    if (ids.length === 0) return ids;
    await manager.update(Invitation, { customerId, status: 'pending' }, { status: 'cancelled', leaseUntil: null, leaseOwner: null });
    await manager.update(Invitation, { customerId, reminderStatus: 'pending' }, { reminderStatus: 'cancelled', leaseUntil: null, leaseOwner: null });
    await manager.update(InvitationToken, { invitationId: In(ids) }, { revokedAt: new Date() });
    return ids;
  }

  /** Retention: invitation tokens that expired before `cutoff` are deleted (they open nothing any more). */
  async purgeExpiredTokens(manager: EntityManager, cutoff: Date): Promise<number> {
    const result = await manager.createQueryBuilder().delete().from(InvitationToken).where('expires_at < :cutoff', { cutoff }).execute();
    return result.affected ?? 0;
  }

  /** Customers of the list that already have an invitation to the campaign (in any state). */
  invitedAmong(manager: EntityManager, campaignId: string, customerIds: string[]): Promise<Set<string>> {
    return this.invitations.invitedAmong(manager, campaignId, customerIds);
  }

  /** New invitations, not sent yet, in the caller's transaction (with their cap slots claimed: see FrequencyCap). */
  insertPending(manager: EntityManager, rows: NewInvitation[], now: Date): Promise<void> {
    return this.invitations.insertPending(manager, rows, now);
  }

  releaseLeases(invitationIds: string[]): Promise<void> {
    return this.invitations.releaseLeases(invitationIds);
  }

  /** Records the message as sent and stores the link its email carried (a link exists only for an email sent). */
  markSent(ref: MessageRef, at: Date, link: SentLink): Promise<void> {
    return this.invitations.markSent(ref, at, link);
  }

  /** True if the message was still pending (the caller then gives its cap slot back). */
  cancel(manager: EntityManager, ref: MessageRef, as: 'cancelled' | 'failed' = 'cancelled'): Promise<boolean> {
    return this.invitations.cancel(manager, ref, as);
  }

  /**
   * A message the frequency cap no longer allows at send time: the customer is as if never invited
   * (or reminded). True if it was still unsent; the caller gives its cap slot back in the same transaction.
   */
  withdraw(manager: EntityManager, ref: MessageRef): Promise<boolean> {
    return this.invitations.withdraw(manager, ref);
  }

  /** Cancels what the campaign has not sent and gives back those messages' cap slots (one statement). */
  cancelUnsent(manager: EntityManager, campaignId: string, now = new Date()): Promise<void> {
    return this.invitations.cancelUnsent(manager, campaignId, now);
  }

  /** The first visit of the invitation page; later visits change nothing. */
  markOpened(invitationId: string, at: Date): Promise<boolean> {
    return this.invitations.markOpened(invitationId, at);
  }

  markRemindersPending(manager: EntityManager, invitationIds: string[]): Promise<void> {
    return this.invitations.markRemindersPending(manager, invitationIds);
  }

  remindersDue(
    campaignId: string,
    window: { sentAfter: Date; sentBefore: Date },
    locationIds: string[],
    afterId: string,
    limit: number,
  ): Promise<ReminderCandidate[]> {
    return this.invitations.remindersDue(campaignId, window, locationIds, afterId, limit);
  }

  unremindedAmong(manager: EntityManager, invitationIds: string[]): Promise<Set<string>> {
    return this.invitations.unremindedAmong(manager, invitationIds);
  }

  /** Claimed but unsent messages whose worker seems gone (see InvitationsRepository.unsent). */
  unsent(campaignId: string, createdBefore: Date, now: Date, afterId: string, limit: number): Promise<MessageRef[]> {
    return this.invitations.unsent(campaignId, createdBefore, now, afterId, limit);
  }

  /** The customer's most recent delivered invitation among these campaigns. */
  latestDelivered(customerId: string, campaignIds: string[]): Promise<{ id: string; sentAt: Date } | null> {
    return this.invitations.latestDelivered(customerId, campaignIds);
  }
}
