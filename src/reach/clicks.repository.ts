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
      await this.dataSource.query(
        `INSERT INTO click_event (link_id, occurred_at, visitor_hash, is_bot, referrer_host)
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::varchar[], $4::boolean[], $5::varchar[])`,
        [
          clicks.map((c) => c.linkId),
          clicks.map((c) => c.occurredAt.toISOString()),
          clicks.map((c) => c.visitorHash),
          clicks.map((c) => c.isBot),
          clicks.map((c) => c.referrerHost),
        ],
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
