import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';
import { RewardOffer } from './reward-offer.entity';

export const CODE_STATUSES = ['available', 'issued', 'redeemed', 'voided'] as const;
export type CodeStatus = (typeof CODE_STATUSES)[number];

/**
 * One reward code. Pool codes are uploaded as `available`; generated ones are made when issued. An
 * issued code belongs to one customer and one recommendation: the unique indexes make a second code for
 * the same customer and offer, or for the same recommendation, impossible whatever the workers do.
 */
@Entity('reward_code')
@Index('uq_reward_code_customer', ['offerId', 'customerId'], { unique: true })
@Index('ix_reward_code_offer_status', ['offerId', 'status'])
@Check('ck_reward_code_status', `"status" IN ('available', 'issued', 'redeemed', 'voided')`)
@Check('ck_reward_code_owner', `("status" = 'available') = ("customer_id" IS NULL)`)
export class RewardCode {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'offer_id', type: 'uuid' })
  offerId: string;

  @ManyToOne(() => RewardOffer, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'offer_id', foreignKeyConstraintName: 'fk_reward_code_offer' })
  offer?: RewardOffer;

  /** Unique across offers: a point of sale redeems by the code alone. */
  @Index('uq_reward_code_code', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 16, default: 'available' })
  status: CodeStatus;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_reward_code_customer' })
  customer?: Customer;

  /** The approved recommendation that earned it (reserved in the approval's transaction). */
  @Index('uq_reward_code_recommendation', { unique: true })
  @Column({ name: 'recommendation_id', type: 'uuid', nullable: true })
  recommendationId: string | null;

  /** The recommendation's location, for reports per location. */
  @Column({ name: 'location_id', type: 'uuid', nullable: true })
  locationId: string | null;

  @TimestampColumn({ name: 'issued_at', nullable: true })
  issuedAt: Date | null;

  @TimestampColumn({ name: 'emailed_at', nullable: true })
  emailedAt: Date | null;

  @TimestampColumn({ name: 'redeemed_at', nullable: true })
  redeemedAt: Date | null;

  /** Who redeemed it (an API key or staff id), and the Idempotency-Key they sent: a retry gets the first answer. */
  @Column({ name: 'redeemed_by', type: 'varchar', length: 64, nullable: true })
  redeemedBy: string | null;

  @Column({ name: 'redeem_key', type: 'varchar', length: 200, nullable: true })
  redeemKey: string | null;

  @TimestampColumn({ name: 'voided_at', nullable: true })
  voidedAt: Date | null;

  @Column({ name: 'void_reason', type: 'varchar', length: 300, nullable: true })
  voidReason: string | null;

  @CreatedAtColumn()
  createdAt: Date;
}
