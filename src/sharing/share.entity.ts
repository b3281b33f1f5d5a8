import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';
import { Recommendation } from '../recommendations/recommendation.entity';

/** The intent-link channels, plus `x_post`: Goodword posting on X for the customer. */
export const SHARE_CHANNELS = ['x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy', 'x_post'] as const;
export type ShareChannel = (typeof SHARE_CHANNELS)[number];

/**
 * One way a recommendation goes out, with its own tracked link (`tracked_link.share_id`) so reach is
 * counted per channel. "Post it for me on X" is a share of its own: its link must appear on X only in
 * Goodword's post, which is how a retry recognises a post already made.
 */
@Entity('share')
@Check('ck_share_channel', `"channel" IN ('x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy', 'x_post')`)
@Index('uq_share_recommendation_channel', ['recommendationId', 'channel'], { unique: true })
export class Share {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'recommendation_id', type: 'uuid' })
  recommendationId: string;

  @ManyToOne(() => Recommendation, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'fk_share_recommendation' })
  recommendation?: Recommendation;

  @Column({ type: 'varchar', length: 16 })
  channel: ShareChannel;

  @CreatedAtColumn()
  createdAt: Date;
}
