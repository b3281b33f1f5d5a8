import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';

/**
 * A customer's one long-lived preference token (`/preferences/:token`; it is also the unsubscribe link
 * of every marketing email, so old emails keep working). Looked up by its SHA-256 only. Because every
 * new email must carry the same token and a hash can't give it back, the token is also kept sealed
 * with AES-256-GCM under ENCRYPTION_KEY: the database alone doesn't reveal it. Revoking clears the
 * row's use (`revoked_at`); the next email issues a new token in its place.
 */
@Entity('preference_token')
export class PreferenceToken {
  @PrimaryColumn({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @OneToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_preference_token_customer' })
  customer?: Customer;

  @Index('uq_preference_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'token_sealed', type: 'varchar', length: 128 })
  tokenSealed: string;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
