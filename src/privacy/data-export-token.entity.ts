import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';

/**
 * A link to download everything held about a customer (GDPR Art. 15/20): emailed on request, valid 24 hours,
 * used once (the JSON download uses it up). Only the SHA-256 of the random token is stored.
 */
@Entity('data_export_token')
export class DataExportToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_data_export_token_customer')
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_data_export_token_customer' })
  customer?: Customer;

  @Index('uq_data_export_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
