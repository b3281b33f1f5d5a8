import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../database/columns';
import { Location } from '../locations/location.entity';
import { FeedbackResponse } from './feedback-response.entity';

export type AlertStatus = 'open' | 'resolved';

/** A detractor response routed to its location's manager. At most one per response (unique), whatever is re-imported. */
@Entity('detractor_alert')
@Check('ck_detractor_alert_status', `"status" IN ('open', 'resolved')`)
@Index('ix_detractor_alert_location', ['locationId', 'status', 'createdAt'])
@Index('ix_detractor_alert_status', ['status', 'createdAt'])
export class DetractorAlert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_detractor_alert_response', { unique: true })
  @Column({ name: 'response_id', type: 'uuid' })
  responseId: string;

  @ManyToOne(() => FeedbackResponse, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'response_id', foreignKeyConstraintName: 'fk_detractor_alert_response' })
  response?: FeedbackResponse;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_detractor_alert_location' })
  location?: Location;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: AlertStatus;

  /** An email to the location's manager was queued (false when the location has no manager email). */
  @Column({ type: 'boolean', default: false })
  notified: boolean;

  @TimestampColumn({ name: 'resolved_at', nullable: true })
  resolvedAt: Date | null;

  /** The staff user who resolved it. */
  @Column({ name: 'resolved_by', type: 'varchar', length: 64, nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
