import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The random salt visitor hashes of one UTC day are made with (the Plausible model). It is deleted two days
 * later; from then on nobody, even holding the database and every key, can tell whether an address visited.
 */
@Entity('visitor_salt')
export class VisitorSalt {
  /** `YYYY-MM-DD`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @Column({ type: 'varchar', length: 64 })
  salt: string;
}
