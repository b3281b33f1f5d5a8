import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { XPost } from './x-post.entity';

export type XMetricsMilestone = '1h' | '1d' | '7d' | '30d';
export type XMetricsState = 'claimed' | 'read' | 'gone' | 'skipped';

/**
 * Public metrics of a post made through Goodword, read once at each milestone after posting (1 hour,
 * 1 day, 7 days, 30 days), then never again. One row per post and milestone (unique): a worker claims the
 * row before reading (`claimed`, with a lease), so a rerun or a second worker neither reads nor stores
 * twice. `read` rows hold the figures as X gave them (cumulative since posting) and `impressions_gain`,
 * the impressions added since the post's previous read, dated by `day` (the UTC day of the read): summing
 * gains by day gives impressions per day without double counting. `gone`: X no longer has the post
 * (nothing more is read for it). `skipped`: the milestone passed unread (the job was down, the read budget
 * spent) and a later milestone was read instead. `follower_count` is the account's followers at posting
 * (the post's estimated audience), copied from x_post.
 */
@Entity('x_post_metrics')
@Index('uq_x_post_metrics_post_milestone', ['postId', 'milestone'], { unique: true })
@Index('ix_x_post_metrics_day', ['day'])
@Check('ck_x_post_metrics_milestone', `"milestone" IN ('1h', '1d', '7d', '30d')`)
@Check('ck_x_post_metrics_state', `"state" IN ('claimed', 'read', 'gone', 'skipped')`)
export class XPostMetricsSnapshot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'post_id', type: 'uuid' })
  postId: string;

  @ManyToOne(() => XPost, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'fk_x_post_metrics_post' })
  post?: XPost;

  /** The post's share (what reports group by, through its campaign and location). */
  @Index('ix_x_post_metrics_share')
  @Column({ name: 'share_id', type: 'uuid' })
  shareId: string;

  @Column({ type: 'varchar', length: 4 })
  milestone: XMetricsMilestone;

  @Column({ type: 'varchar', length: 8 })
  state: XMetricsState;

  /** The run holding the claim; null once settled. */
  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true })
  claimToken: string | null;

  /** A claim past this time (its worker died) is taken over by the next run. */
  @TimestampColumn({ name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /** posted_at + the milestone's offset. */
  @TimestampColumn({ name: 'due_at' })
  dueAt: Date;

  @TimestampColumn({ name: 'read_at', nullable: true })
  readAt: Date | null;

  /** `YYYY-MM-DD` (UTC) of `read_at`. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  day: string | null;

  /** Null when X gave no impression count. */
  @Column({ type: 'integer', nullable: true })
  impressions: number | null;

  /** Impressions added since the post's previous read (all of them at its first read). */
  @Column({ name: 'impressions_gain', type: 'integer', nullable: true })
  impressionsGain: number | null;

  @Column({ type: 'integer', nullable: true })
  likes: number | null;

  @Column({ type: 'integer', nullable: true })
  reposts: number | null;

  @Column({ type: 'integer', nullable: true })
  replies: number | null;

  @Column({ type: 'integer', nullable: true })
  quotes: number | null;

  @Column({ type: 'integer', nullable: true })
  bookmarks: number | null;

  @Column({ name: 'follower_count', type: 'integer', nullable: true })
  followerCount: number | null;

  @CreatedAtColumn()
  createdAt: Date;
}
