import { Entity, PrimaryColumn } from 'typeorm';

/**
 * A Redis Stream entry whose clicks are in the database (see ClickStream). Written in the same transaction as
 * those clicks, so an entry delivered again (a worker died between the commit and the acknowledgement) is
 * recognised and written once: one row per entry (the clicks of one event-loop turn of an API process) rather
 * than a unique key on every click. Rows are deleted once their entry can no longer be delivered again.
 */
@Entity('click_stream_entry')
export class ClickStreamEntry {
  /** The stream entry id, `<ms>-<seq>`. */
  @PrimaryColumn({ name: 'entry_id', type: 'varchar', length: 40 })
  entryId: string;
}
