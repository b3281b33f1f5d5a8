import { Column, Entity, Index } from 'typeorm';
import { BigIntKeyColumn, TimestampColumn } from '../database/columns';

/**
 * One visit of a tracked link. No IP address is stored (DESIGN principle 6): `visitor_hash` is an HMAC of
 * link, IP and user agent under the day's random salt (`VisitorSalt`, deleted two days later): enough to count
 * unique visitors per link per day, and after that nothing.
 */
@Entity('click_event')
// Read by time only (retention, reach:rebuild): BRIN on PostgreSQL, made by migration (TypeORM doesn't model index methods).
@Index('ix_click_event_time', { synchronize: false })
export class ClickEvent {
  /**
   * An integer key: click events are the largest table, and a uuid per row would double its index. 64-bit:
   * 2^31 visits is within reach of a busy deployment. (pg returns bigint as a string.)
   */
  @BigIntKeyColumn()
  id: string;

  @Column({ name: 'link_id', type: 'uuid' })
  linkId: string;

  @TimestampColumn({ name: 'occurred_at' })
  occurredAt: Date;

  @Column({ name: 'visitor_hash', type: 'varchar', length: 32 })
  visitorHash: string;

  /** Link-preview fetchers and crawlers: kept for completeness, never counted as people reached. */
  @Column({ name: 'is_bot', type: 'boolean', default: false })
  isBot: boolean;

  @Column({ name: 'referrer_host', type: 'varchar', length: 120, nullable: true })
  referrerHost: string | null;
}
