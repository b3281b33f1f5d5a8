import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn } from '../database/columns';

export type ActorType = 'staff' | 'customer' | 'api_key' | 'system';

/**
 * Append-only record of consent changes, approvals, posts, rewards and staff actions.
 * Holds ids only, never personal data, so erasing a customer never has to rewrite history.
 * Both dialects refuse DELETE, and any UPDATE but the one that seals a row into the hash chain (AuditChain).
 */
@Entity('audit_event')
@Index('ix_audit_event_subject', ['subjectType', 'subjectId'])
@Index('ix_audit_event_created_at', ['createdAt'])
@Index('uq_audit_event_seq', ['seq'], { unique: true })
@Index('ix_audit_event_unsealed', ['createdAt', 'id'], { where: '"seq" IS NULL' })
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType: ActorType;

  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 32, nullable: true })
  subjectType: string | null;

  @Column({ name: 'subject_id', type: 'varchar', length: 64, nullable: true })
  subjectId: string | null;

  /** Ids and codes that explain the event (changed field names, counts); never names, emails or free text. */
  @JsonColumn({ nullable: true })
  details: Record<string, string | number | boolean | null | string[]> | null;

  /** Position in the hash chain; null until the sealer reaches the row (within seconds), unless a batch writer wrote it sealed. */
  @Column({ type: 'bigint', nullable: true })
  seq: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64, nullable: true })
  prevHash: string | null;

  /** SHA-256 of the previous row's hash and this row's content. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  hash: string | null;
}
