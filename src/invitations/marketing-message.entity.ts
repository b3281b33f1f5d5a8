import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { TimestampColumn } from '../database/columns';

export type MarketingMessageKind = 'invitation' | 'reminder';

/**
 * The frequency-cap ledger (principle 3): one row per marketing message a customer gets or is about
 * to get, across all campaigns. A row is written, under a per-customer lock, in the same transaction
 * that decides to send (a reservation, counted from then); right before the email goes out it is
 * checked again under the lock and moved to that moment (MessageLedger.countAtSend), so a sent
 * message counts from when it was sent. It is removed if the message is never sent. "Under the cap"
 * means fewer than `frequencyCap` rows in the last 30 days. At most one row per invitation and kind,
 * so a retried job can't count (or send) twice.
 */
@Entity('marketing_message')
@Unique('uq_marketing_message_invitation_kind', ['invitationId', 'kind'])
@Index('ix_marketing_message_customer_time', ['customerId', 'countedAt'])
@Check('ck_marketing_message_kind', `"kind" IN ('invitation', 'reminder')`)
export class MarketingMessage {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_marketing_message_customer' })
  customer?: Customer;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId: string;

  @Column({ name: 'invitation_id', type: 'uuid' })
  invitationId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: MarketingMessageKind;

  /** When the slot was claimed; once sent, when the message was sent. */
  @TimestampColumn({ name: 'counted_at' })
  countedAt: Date;
}
