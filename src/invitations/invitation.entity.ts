import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';
import { Location } from '../locations/location.entity';

/**
 * pending: created, its message slot claimed, not sent yet · sent: the SMTP server accepted it ·
 * cancelled: not sent after all (opted out, consent gone, campaign ended); its slot was released ·
 * failed: the server refused it for good. A pending invitation the frequency cap no longer allows
 * at send time is deleted (SendInvitations: withdrawn), so the customer may be invited later.
 */
export type InvitationStatus = 'pending' | 'sent' | 'cancelled' | 'failed';
export type ReminderStatus = 'pending' | 'sent' | 'cancelled';

/**
 * One customer invited to one campaign: at most one per pair (the unique key is what makes racing
 * workers and retried jobs safe). The customer's link tokens are in invitation_token.
 */
@Entity('invitation')
@Unique('uq_invitation_campaign_customer', ['campaignId', 'customerId'])
@Index('ix_invitation_customer', ['customerId'])
@Index('ix_invitation_campaign_status', ['campaignId', 'status'])
@Index('ix_invitation_location_created', ['locationId', 'createdAt'])
@Check('ck_invitation_status', `"status" IN ('pending', 'sent', 'cancelled', 'failed')`)
@Check('ck_invitation_reminder_status', `"reminder_status" IN ('pending', 'sent', 'cancelled')`)
export class Invitation {
  /** Chosen by the fan-out before insert, so a batch's rows and ledger entries are written in one go. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_invitation_campaign' })
  campaign?: Campaign;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_invitation_customer' })
  customer?: Customer;

  /** The location of the customer's latest response when invited: the place they are asked to recommend. */
  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_invitation_location' })
  location?: Location;

  @Column({ type: 'varchar', length: 16 })
  status: InvitationStatus;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** First visit of the invitation page (DESIGN "Opened": no tracking pixels). */
  @TimestampColumn({ name: 'opened_at', nullable: true })
  openedAt: Date | null;

  @Column({ name: 'reminder_status', type: 'varchar', length: 16, nullable: true })
  reminderStatus: ReminderStatus | null;

  @TimestampColumn({ name: 'reminded_at', nullable: true })
  remindedAt: Date | null;

  /** While a worker is sending this invitation's message, others leave it alone (until the lease runs out after a crash). */
  @TimestampColumn({ name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /**
   * The send job holding the lease. When a worker dies, the queue runs its job again elsewhere, and
   * that run takes over the job's own leases at once instead of waiting for them to run out.
   */
  @Column({ name: 'lease_owner', type: 'varchar', length: 200, nullable: true })
  leaseOwner: string | null;
}
