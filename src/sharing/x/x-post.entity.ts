import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../../database/columns';
import { Share } from '../share.entity';
import { XConnection } from './x-connection.entity';

export type XPostStatus = 'queued' | 'posted' | 'failed' | 'deleted';

/**
 * "Post it for me on X": one post per share, made at most once. The job reads `text` (the approved text,
 * cleared once the post is settled) and posts it with the share's tracked link as a suffix; `text_hash`
 * (SHA-256 hex of the approved text) stays as evidence of what was posted. `attempts` counts tries that
 * reached `POST /2/tweets`: when it is above zero, an earlier try may have posted, so the account's
 * recent posts are searched for the tracked link before posting again.
 */
@Entity('x_post')
@Check('ck_x_post_status', `"status" IN ('queued', 'posted', 'failed', 'deleted')`)
@Index('ix_x_post_status_posted_at', ['status', 'postedAt'])
export class XPost {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The share this post is for (its `x_post` share, whose tracked link only this post carries). */
  @Index('uq_x_post_share', { unique: true })
  @Column({ name: 'share_id', type: 'uuid' })
  shareId: string;

  @ManyToOne(() => Share, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'share_id', foreignKeyConstraintName: 'fk_x_post_share' })
  share?: Share;

  @Index('ix_x_post_connection')
  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @ManyToOne(() => XConnection, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_x_post_connection' })
  connection?: XConnection;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: XPostStatus;

  /** The approved text while the post is queued; null once posted, failed or deleted. */
  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ name: 'text_hash', type: 'varchar', length: 64 })
  textHash: string;

  /** The share's own tracked link (`PUBLIC_URL/r/<code>`), appended to the text; unique per share. */
  @Column({ name: 'tracked_url', type: 'varchar', length: 500 })
  trackedUrl: string;

  @Column({ name: 'x_post_id', type: 'varchar', length: 32, nullable: true })
  xPostId: string | null;

  /** The account's followers when it posted (the "estimated reach" figure). */
  @Column({ name: 'follower_count', type: 'integer', nullable: true })
  followerCount: number | null;

  @TimestampColumn({ name: 'posted_at', nullable: true })
  postedAt: Date | null;

  @TimestampColumn({ name: 'deleted_at', nullable: true })
  deletedAt: Date | null;

  /** A reason code (`budget`, `duplicate_content`, `x_rejected_400`, …): never text, tokens or personal data. */
  @Column({ name: 'last_error', type: 'varchar', length: 200, nullable: true })
  lastError: string | null;

  /** Tries that reached (or may have reached) `POST /2/tweets`, plus rate-limit reschedules. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** A worker is posting it until then; another run of its job waits (BullMQ can re-run a stalled job). */
  @TimestampColumn({ name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /** `YYYY-MM` (UTC) whose post budget holds a slot for this post; null when none is held. */
  @Column({ name: 'budget_month', type: 'varchar', length: 7, nullable: true })
  budgetMonth: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
