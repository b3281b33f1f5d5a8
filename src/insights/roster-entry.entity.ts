import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '../database/columns';
import { Location } from '../locations/location.entity';

/** A colleague at a location whom customers may thank by first name (kudos). */
@Entity('roster_entry')
@Index('uq_roster_entry_name', ['locationId', 'nameKey'], { unique: true })
export class RosterEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_roster_entry_location' })
  location?: Location;

  @Column({ name: 'first_name', type: 'varchar', length: 60 })
  firstName: string;

  /** The first name in lower case: one entry per name and location. */
  @Column({ name: 'name_key', type: 'varchar', length: 60 })
  nameKey: string;

  @Column({ type: 'varchar', length: 80, nullable: true })
  role: string | null;

  /** Never counted as kudos (a name that is mostly a word here, or someone who asked not to be listed). */
  @Column({ name: 'never_match', type: 'boolean', default: false })
  neverMatch: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
