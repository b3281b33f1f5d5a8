import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClickEvent } from './click-event.entity';

export type NewClick = Omit<ClickEvent, 'id'>;

/** Click rows are written in bulk with plain SQL: the query builder's per-value work costs more than the insert. */
@Injectable()
export class ClicksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** How many rows one `insertMany` call may take (SQLite binds each value; PostgreSQL binds one array per column). */
  get maxBatch(): number {
    return this.dataSource.options.type === 'postgres' ? 5000 : 500;
  }

  async insertMany(clicks: NewClick[]): Promise<void> {
    if (clicks.length === 0) return;
    if (this.dataSource.options.type === 'postgres') {
      // One JSON document (native JSON.stringify) rather than five text arrays that pg escapes value by value.
      await this.dataSource.query(
        `INSERT INTO click_event (link_id, occurred_at, visitor_hash, is_bot, referrer_host)
         SELECT l, to_timestamp(t / 1000.0), v, b, r
         FROM json_to_recordset($1::json) AS x(l uuid, t bigint, v varchar, b boolean, r varchar)`,
        [JSON.stringify(clicks.map((c) => ({ l: c.linkId, t: c.occurredAt.getTime(), v: c.visitorHash, b: c.isBot, r: c.referrerHost })))],
      );
      return;
    }
    // SQLite keeps datetimes as UTC text in TypeORM's format, booleans as 0/1.
    const values = clicks.map(() => '(?, ?, ?, ?, ?)').join(', ');
    await this.dataSource.query(
      `INSERT INTO click_event (link_id, occurred_at, visitor_hash, is_bot, referrer_host) VALUES ${values}`,
      clicks.flatMap((c) => [
        c.linkId,
        c.occurredAt.toISOString().replace('T', ' ').replace('Z', ''),
        c.visitorHash,
        c.isBot ? 1 : 0,
        c.referrerHost,
      ]),
    );
  }
}
