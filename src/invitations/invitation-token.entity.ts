import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';
import { Invitation } from './invitation.entity';

/**
 * A link to an invitation page (`/i/:token`), stored as the SHA-256 of its 256-bit token. Each email
 * (invitation, reminder, a requested fresh link) gets its own, so older emails keep working until
 * their link expires.
 */
@Entity('invitation_token')
export class InvitationToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_invitation_token_invitation')
  @Column({ name: 'invitation_id', type: 'uuid' })
  invitationId: string;

  @ManyToOne(() => Invitation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invitation_id', foreignKeyConstraintName: 'fk_invitation_token_invitation' })
  invitation?: Invitation;

  @Index('uq_invitation_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
