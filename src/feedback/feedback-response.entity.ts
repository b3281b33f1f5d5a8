import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../database/columns';
import { Location } from '../locations/location.entity';
import type { Segment } from './feedback-fields';

/**
 * One survey response, as the feedback source sent it. `response_id` is the source's id: importing it
 * again changes nothing, a changed row replaces the stored one. `import_seq` orders responses written
 * later after earlier ones, so "latest response" is `responded_at`, then `import_seq`.
 */
@Entity('feedback_response')
@Check('ck_feedback_response_score', `"score" BETWEEN 0 AND 10`)
@Check('ck_feedback_response_segment', `"segment" IN ('promoter', 'passive', 'detractor')`)
@Index('ix_feedback_response_customer_latest', ['customerId', 'respondedAt', 'importSeq'])
// (location, responded_at) covering segment, customer and touchpoint for the reports; made by migration (INCLUDE).
@Index('ix_feedback_response_location_cover', { synchronize: false })
@Index('ix_feedback_response_responded', ['respondedAt'])
export class FeedbackResponse {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_feedback_response_response_id', { unique: true })
  @Column({ name: 'response_id', type: 'varchar', length: 100 })
  responseId: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_feedback_response_customer' })
  customer?: Customer;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_feedback_response_location' })
  location?: Location;

  @Column({ type: 'smallint' })
  score: number;

  @Column({ type: 'varchar', length: 16 })
  segment: Segment;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  /** Name and phone as given with this response; the customer record shows those of the latest one. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone: string | null;

  @TimestampColumn({ name: 'responded_at' })
  respondedAt: Date;

  @TimestampColumn({ name: 'visited_at', nullable: true })
  visitedAt: Date | null;

  /** Where the customer met the business (sales, service, …) when the source says; reports break down by it. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  touchpoint: string | null;

  /** The answer as given; null when the source did not ask. */
  @Column({ name: 'marketing_consent', type: 'boolean', nullable: true })
  marketingConsent: boolean | null;

  /** bigint: PostgreSQL returns it as a string. */
  @Column({ name: 'import_seq', type: 'bigint' })
  importSeq: string;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
