import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../database/columns';

/**
 * A person who gave feedback, deduplicated by normalised email (trimmed, lower-cased); a response that
 * came without an email is a customer of its own, without one: it counts for NPS and reports and is
 * never invited. A customer is
 * judged by their latest response (`responded_at`, then import order): its score, segment, location and
 * date are kept here (`latest_*`), and so is its answer to the marketing question, which is the
 * customer's consent. The feedback module keeps these in step as responses arrive.
 */
@Entity('customer')
@Check('ck_customer_latest_segment', `"latest_segment" IN ('promoter', 'passive', 'detractor')`)
@Index('ix_customer_latest', ['latestSegment', 'latestLocationId', 'latestRespondedAt'])
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_customer_email', { unique: true })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone: string | null;

  /** The answer of the latest response; a response that did not ask counts as no. */
  @Column({ name: 'marketing_consent', type: 'boolean', default: false })
  marketingConsent: boolean;

  @TimestampColumn({ name: 'consent_updated_at', nullable: true })
  consentUpdatedAt: Date | null;

  /** The feedback response whose answer last changed `marketing_consent`: the evidence for it. */
  @Column({ name: 'consent_response_id', type: 'uuid', nullable: true })
  consentResponseId: string | null;

  @Column({ name: 'latest_response_id', type: 'uuid', nullable: true })
  latestResponseId: string | null;

  @Column({ name: 'latest_score', type: 'smallint', nullable: true })
  latestScore: number | null;

  @Column({ name: 'latest_segment', type: 'varchar', length: 16, nullable: true })
  latestSegment: 'promoter' | 'passive' | 'detractor' | null;

  @Column({ name: 'latest_location_id', type: 'uuid', nullable: true })
  latestLocationId: string | null;

  @TimestampColumn({ name: 'latest_responded_at', nullable: true })
  latestRespondedAt: Date | null;

  /**
   * The latest response's `import_seq` (bigint: PostgreSQL returns it as a string): breaks a tie on
   * `latest_responded_at` by import order in the row itself, so concurrent batches agree whatever order they commit in.
   */
  @Column({ name: 'latest_import_seq', type: 'bigint', nullable: true })
  latestImportSeq: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
