import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../../database/columns';

/**
 * A customer's X account, connected with OAuth 2.0 PKCE so Goodword can post their approved text for them.
 * Tokens are stored encrypted (AES-256-GCM with ENCRYPTION_KEY, bound to this row's id); refresh tokens
 * rotate on every refresh. At most one active (not revoked) connection per customer. Erasing the
 * customer blanks the account's id and name and revokes it; the tokens go once the posts to delete are gone
 * (the row stays, so posts made keep counting).
 */
@Entity('x_connection')
@Index('uq_x_connection_active_customer', ['customerId'], { unique: true, where: '"revoked_at" IS NULL' })
export class XConnection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_x_connection_customer')
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_x_connection_customer' })
  customer?: Customer;

  @Column({ name: 'x_user_id', type: 'varchar', length: 32 })
  xUserId: string;

  @Column({ name: 'x_username', type: 'varchar', length: 50 })
  xUsername: string;

  /** SecretBox-encrypted; never logged. */
  @Column({ name: 'access_token_enc', type: 'text' })
  accessTokenEnc: string;

  /** SecretBox-encrypted; null when X granted no offline access. */
  @Column({ name: 'refresh_token_enc', type: 'text', nullable: true })
  refreshTokenEnc: string | null;

  /** When the access token stops working (X: 2 hours after issue). */
  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  /** Space-separated OAuth scopes X granted. */
  @Column({ type: 'varchar', length: 200 })
  scopes: string;

  @Column({ name: 'follower_count_at_connect', type: 'integer', nullable: true })
  followerCountAtConnect: number | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  /** Set when the customer reconnects another account, or X refuses our tokens for good. */
  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
