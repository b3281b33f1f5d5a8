import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Counters shared by every process. `import` hands out one ticket per written batch; a batch's rows
 * get `ticket * 1,000,000 + position`, so `import_seq` grows in the order batches were written.
 */
@Entity('feedback_sequence')
export class FeedbackSequence {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'bigint' })
  value: string;
}
