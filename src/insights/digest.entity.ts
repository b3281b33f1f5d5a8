import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '../database/columns';
import { Location } from '../locations/location.entity';

/**
 * One weekly digest queued for one recipient: the unique key is what makes it once per recipient and week,
 * whatever restarts or second workers do (the email job is written in the same transaction).
 */
@Entity('digest_delivery')
@Index('uq_digest_delivery', ['locationId', 'recipient', 'week'], { unique: true })
export class DigestDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_digest_delivery_location' })
  location?: Location;

  /** Lower-case email address. */
  @Column({ type: 'varchar', length: 254 })
  recipient: string;

  /** The Monday the week starts on, in the location's time zone (`YYYY-MM-DD`). */
  @Column({ type: 'varchar', length: 10 })
  week: string;

  @CreatedAtColumn()
  createdAt: Date;
}

/** A staff address that unsubscribed from the weekly digest (one click in any digest). */
@Entity('digest_opt_out')
export class DigestOptOut {
  @PrimaryColumn({ type: 'varchar', length: 254 })
  email: string;

  @CreatedAtColumn()
  createdAt: Date;
}

/** Per-location digest setting (no row: on). */
@Entity('location_digest_setting')
export class LocationDigestSetting {
  @PrimaryColumn({ name: 'location_id', type: 'uuid' })
  locationId: string;

  @ManyToOne(() => Location, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'location_id', foreignKeyConstraintName: 'fk_location_digest_setting_location' })
  location?: Location;

  @Column({ name: 'digest_enabled', type: 'boolean', default: true })
  digestEnabled: boolean;

  @UpdatedAtColumn()
  updatedAt: Date;
}
