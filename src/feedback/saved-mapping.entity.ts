import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn, UpdatedAtColumn } from '../database/columns';
import type { ColumnMapping } from './survey-export';

/**
 * A survey export's mapping kept under the marketer's name for it ("Sudzilla Google Form"): applied, shown
 * and changeable, when the next file's header rows are exactly the same (`signature`).
 */
@Entity('saved_mapping')
export class SavedMapping {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_saved_mapping_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The file's header rows as read (SHA-256, hex): which files this mapping is for. */
  @Index('ix_saved_mapping_signature')
  @Column({ type: 'varchar', length: 64 })
  signature: string;

  @JsonColumn()
  mapping: ColumnMapping;

  /** The location for every row, when the files name none. */
  @Column({ name: 'location_code', type: 'varchar', length: 32, nullable: true })
  locationCode: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
