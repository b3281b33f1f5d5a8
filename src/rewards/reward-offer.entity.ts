import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../database/columns';

export const CODE_SOURCES = ['generated', 'pool'] as const;
export type CodeSource = (typeof CODE_SOURCES)[number];

/** `{brand}` is replaced by the brand name when the line is used. */
export const DEFAULT_DISCLOSURE = 'I received a thank-you gift from {brand} for sharing my experience.';

/**
 * A campaign's thank-you (principle 4): every approved recommendation in the campaign whose author opted
 * in earns the same thing, whatever it says. `reserved` counts the codes handed out; the database itself
 * refuses more than `budget` (the check), and issuing is one conditional UPDATE of that counter.
 * Once a code is out (`reserved > 0`) the offer is fixed, except a larger budget and a later expiry.
 */
@Entity('reward_offer')
@Check('ck_reward_offer_budget', `"budget" >= 1 AND "reserved" >= 0 AND "reserved" <= "budget"`)
@Check('ck_reward_offer_code_source', `"code_source" IN ('generated', 'pool')`)
export class RewardOffer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** One offer per campaign. */
  @Index('uq_reward_offer_campaign', { unique: true })
  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_reward_offer_campaign' })
  campaign?: Campaign;

  /** "a free car wash" */
  @Column({ type: 'varchar', length: 200 })
  description: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  terms: string;

  /** Codes can't be redeemed after this; null: no expiry. */
  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  /** The most codes to issue. */
  @Column({ type: 'integer' })
  budget: number;

  /** Codes issued (reserved at approval) so far; never above the budget. */
  @Column({ type: 'integer', default: 0 })
  reserved: number;

  @Column({ name: 'code_source', type: 'varchar', length: 16 })
  codeSource: CodeSource;

  /** Generated codes start with it ("WASH-…"); null for a pool. */
  @Column({ name: 'code_prefix', type: 'varchar', length: 12, nullable: true })
  codePrefix: string | null;

  /** The material-connection line, with `{brand}` for the brand name. */
  @Column({ type: 'varchar', length: 300 })
  disclosure: string;

  /** Marketers were told that few codes are left / none: once each, until the budget or pool grows again. */
  @TimestampColumn({ name: 'low_alerted_at', nullable: true })
  lowAlertedAt: Date | null;

  @TimestampColumn({ name: 'out_alerted_at', nullable: true })
  outAlertedAt: Date | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
