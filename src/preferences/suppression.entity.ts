import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn } from '../database/columns';

export type SuppressionSource = 'one_click' | 'preferences';

/**
 * Addresses that opted out of marketing email, as HMAC-SHA256(normalised email, HASH_KEY): an
 * opted-out address stays suppressed through re-imports (which reset the customer's consent to the
 * survey's answer) and through erasure, without keeping the address itself. `customer_id` links the
 * entry to today's customer row so eligibility can anti-join in SQL; it is cleared if that row is
 * erased and re-linked when the address comes back.
 */
@Entity('suppression')
@Check('ck_suppression_source', `"source" IN ('one_click', 'preferences')`)
export class Suppression {
  @PrimaryColumn({ name: 'email_hash', type: 'varchar', length: 64 })
  emailHash: string;

  @Index('ix_suppression_customer')
  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @ManyToOne(() => Customer, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_suppression_customer' })
  customer?: Customer;

  @Column({ type: 'varchar', length: 16 })
  source: SuppressionSource;

  @CreatedAtColumn()
  createdAt: Date;
}
