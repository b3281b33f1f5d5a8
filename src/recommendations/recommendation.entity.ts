import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn, JsonColumn, TimestampColumn } from '../database/columns';
import { Invitation } from '../invitations/invitation.entity';
import { Location } from '../locations/location.entity';

/**
 * What a customer wrote and approved (principle 1). `text` is the approved text, disclosure line included,
 * and `text_hash` its SHA-256: together with `approved_at` and `channels` they are the consent evidence.
 * Nothing updates `text` after approval; a withdrawn, hidden or erased recommendation leaves public pages
 * (erasure also clears the text and the author's name).
 */
@Entity('recommendation')
@Check('ck_recommendation_erased', `"erased_at" IS NULL OR ("text" IS NULL AND "author_name" IS NULL)`)
@Index('ix_recommendation_location_approved', ['locationId', 'approvedAt'])
export class Recommendation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** One recommendation per invitation: approving twice can't make a second one. */
  @Index('uq_recommendation_invitation', { unique: true })
  @Column({ name: 'invitation_id', type: 'uuid' })
  invitationId: string;

  @ManyToOne(() => Invitation, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'invitation_id', foreignKeyConstraintName: 'fk_recommendation_invitation' })
  invitation?: Invitation;

  @Index('ix_recommendation_customer')
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_recommendation_customer' })
  customer?: Customer;

  @Index('ix_recommendation_campaign')
  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_recommendation_campaign' })
  campaign?: Campaign;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_recommendation_location' })
  location?: Location;

  /** First name and initial ("Ana S."), fixed at approval: what "shared under my first name" promised. */
  @Column({ name: 'author_name', type: 'varchar', length: 80, nullable: true })
  authorName: string | null;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ name: 'text_hash', type: 'varchar', length: 64 })
  textHash: string;

  /** The channels the customer chose to share on. */
  @JsonColumn()
  channels: string[];

  /** The customer accepted the campaign's thank-you: the approved text carries the disclosure line. */
  @Column({ name: 'reward_accepted', type: 'boolean', default: false })
  rewardAccepted: boolean;

  @TimestampColumn({ name: 'approved_at' })
  approvedAt: Date;

  @TimestampColumn({ name: 'withdrawn_at', nullable: true })
  withdrawnAt: Date | null;

  /** Hidden by staff from public pages (abuse, someone else's personal data); audited. */
  @TimestampColumn({ name: 'hidden_at', nullable: true })
  hiddenAt: Date | null;

  @Column({ name: 'hidden_reason', type: 'varchar', length: 300, nullable: true })
  hiddenReason: string | null;

  @TimestampColumn({ name: 'erased_at', nullable: true })
  erasedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
