import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, UpdatedAtColumn } from '../database/columns';

export type SettingValue = string | number | boolean | null;

/** One stored setting; a key without a row takes its default (see SettingsService). */
@Entity('setting')
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @JsonColumn()
  value: SettingValue;

  @UpdatedAtColumn()
  updatedAt: Date;
}
