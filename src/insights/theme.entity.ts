import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn, UpdatedAtColumn } from '../database/columns';

/** A theme comments are grouped into, with its words per language (brand-editable; defaults seeded at start). */
@Entity('theme')
export class Theme {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `wait-time`; stable, what the API names. */
  @Index('uq_theme_key', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  key: string;

  @Column({ type: 'varchar', length: 80 })
  label: string;

  /** `all`, `dealer`, `restaurant` or `retail`: who the default was written for. */
  @Column({ type: 'varchar', length: 16, default: 'all' })
  sector: string;

  /** `{ "en": ["wait", "+quick", "!called back"], "es": [...] }` (see ThemeSeed). */
  @JsonColumn()
  terms: Record<string, string[]>;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
