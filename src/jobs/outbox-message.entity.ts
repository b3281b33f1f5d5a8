import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn, TimestampColumn } from '../database/columns';

/**
 * A job written in the same transaction as the change that caused it; the relay hands it to the queue
 * afterwards, so a crash between commit and enqueue delays the job instead of losing it.
 */
@Entity('job_outbox')
@Index('ix_job_outbox_pending', ['dispatchedAt', 'availableAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_name', type: 'varchar', length: 100 })
  jobName: string;

  @JsonColumn()
  payload: unknown;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'available_at' })
  availableAt: Date;

  /** Handed to the queue (BullMQ), or, in-process, run to its end. */
  @TimestampColumn({ name: 'dispatched_at', nullable: true })
  dispatchedAt: Date | null;

  /**
   * The job ran to its end (succeeded, or failed with no tries left). Until then a dispatched row is
   * kept as the job's copy: a Redis that lost its data gets it again (OutboxRelay.requeueDispatched).
   */
  @TimestampColumn({ name: 'completed_at', nullable: true })
  completedAt: Date | null;

  /**
   * A worker is running the job until then (renewed by nothing: longer than any job runs). A copy of the job
   * queued again meanwhile (Redis lost its data mid-run) waits for it rather than running it a second time.
   */
  @TimestampColumn({ name: 'running_until', nullable: true })
  runningUntil: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
