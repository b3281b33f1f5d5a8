import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Share } from '../sharing/share.entity';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';

/**
 * A short, unguessable link (`/r/:code`) that redirects to a page of ours and counts who followed it.
 * Each share gets its own, so reach is measured per share, campaign and location.
 */
@Entity('tracked_link')
export class TrackedLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_tracked_link_code', { unique: true })
  @Column({ type: 'varchar', length: 16 })
  code: string;

  /** A local path (never an absolute URL: no open redirect), e.g. `/p/<recommendation id>`. */
  @Column({ name: 'target_path', type: 'varchar', length: 300 })
  targetPath: string;

  /** The share this link belongs to. */
  @Index('ix_tracked_link_share')
  @Column({ name: 'share_id', type: 'uuid', nullable: true })
  shareId: string | null;

  @ManyToOne(() => Share, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'share_id', foreignKeyConstraintName: 'fk_tracked_link_share' })
  share?: Share;

  @Index('ix_tracked_link_location')
  @Column({ name: 'location_id', type: 'uuid', nullable: true })
  locationId: string | null;

  /** Copied from the share and its recommendation when the link is made: what reports group by. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  channel: string | null;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ name: 'recommendation_id', type: 'uuid', nullable: true })
  recommendationId: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  /** A withdrawn or hidden recommendation disables its links: they answer 410. */
  @TimestampColumn({ name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
