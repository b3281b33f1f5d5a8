import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';
import { User } from './user.entity';

/** Why the link was sent: a forgotten password, or a new user choosing their first one. */
export type PasswordTokenPurpose = 'reset' | 'invitation';

/**
 * A one-time "set your password" link (`/reset-password/<token>`). The token is 256 random bits
 * (base64url); only its SHA-256 (hex) is stored, so a database leak reveals no usable link.
 */
@Entity('password_reset_token')
@Check('ck_password_reset_token_purpose', `"purpose" IN ('reset', 'invitation')`)
export class PasswordResetToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_password_reset_token_user')
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_password_reset_token_user' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  purpose: PasswordTokenPurpose;

  /** Hex SHA-256 of the token. */
  @Index('uq_password_reset_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  /** Set when the link is used, or when another link of the same user was used (each works once). */
  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
