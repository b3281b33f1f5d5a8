import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '../database/columns';

@Entity('location')
export class Location {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_location_code', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  city: string | null;

  /** IANA zone name; campaigns send within each location's local hours. */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column({ type: 'varchar', length: 16, default: 'en' })
  locale: string;

  @Column({ name: 'website_url', type: 'varchar', length: 500, nullable: true })
  websiteUrl: string | null;

  @Column({ name: 'review_url', type: 'varchar', length: 500, nullable: true })
  reviewUrl: string | null;

  @Column({ name: 'manager_email', type: 'varchar', length: 254, nullable: true })
  managerEmail: string | null;

  /** Shown on the public page as a tel: link. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  phone: string | null;

  /** Free text, a line per day or group of days ("Mon–Fri 8:00–18:00"). */
  @Column({ name: 'opening_hours', type: 'varchar', length: 500, nullable: true })
  openingHours: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
