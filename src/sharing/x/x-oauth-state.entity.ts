import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { Share } from '../share.entity';

/**
 * One "connect your X account" attempt, from the authorize redirect to `/auth/x/callback`. The OAuth
 * `state` is stored only as its SHA-256 (hex) and the PKCE verifier encrypted, so a database leak
 * can't complete someone's sign-in; the return path is encrypted too, as it holds the invitation
 * token. Valid for 10 minutes, once.
 */
@Entity('x_oauth_state')
export class XOAuthState {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_x_oauth_state_hash', { unique: true })
  @Column({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash: string;

  /** SecretBox-encrypted PKCE code verifier. */
  @Column({ name: 'code_verifier_enc', type: 'text' })
  codeVerifierEnc: string;

  @Index('ix_x_oauth_state_customer')
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_x_oauth_state_customer' })
  customer?: Customer;

  /**
   * SecretBox-encrypted local path (`/i/…`) to send the customer back to; never an absolute URL.
   * Encrypted because the path carries the customer's invitation token.
   */
  @Column({ name: 'return_to_enc', type: 'text' })
  returnToEnc: string;

  /** The share the customer was about to post when asked to connect. */
  @Column({ name: 'share_id', type: 'uuid', nullable: true })
  shareId: string | null;

  @ManyToOne(() => Share, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'share_id', foreignKeyConstraintName: 'fk_x_oauth_state_share' })
  share?: Share;

  @Index('ix_x_oauth_state_expires_at')
  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
