import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LatestResponse } from '../customers/customers.service';
import { chunks, dbTime, Dialect, dialectOf, JsonRows, readNullableBool, readTime, rowsAmong, sqliteChunkSize, sqliteRows } from '../database/sql';
import { Segment } from './feedback-fields';

/** A response as stored, in the shape the import compares and writes. */
export interface StoredResponse {
  id: string;
  responseId: string;
  customerId: string;
  locationId: string;
  score: number;
  segment: Segment;
  comment: string | null;
  name: string | null;
  phone: string | null;
  respondedAt: Date;
  visitedAt: Date | null;
  marketingConsent: boolean | null;
  touchpoint: string | null;
}

export interface ResponseRecord extends StoredResponse {
  importSeq: number;
}

export interface SegmentFilter {
  /** Undefined: every location. */
  locationIds?: string[];
  from?: Date;
  to?: Date;
}

export type Interval = 'week' | 'month';

export interface SegmentCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

const COLUMNS = `id, response_id, customer_id, location_id, score, segment, comment, name, phone, responded_at, visited_at, marketing_consent, touchpoint`;

function toStored(row: Record<string, unknown>): StoredResponse {
  return {
    id: row.id as string,
    responseId: row.response_id as string,
    customerId: row.customer_id as string,
    locationId: row.location_id as string,
    score: Number(row.score),
    segment: row.segment as Segment,
    comment: (row.comment as string | null) ?? null,
    name: (row.name as string | null) ?? null,
    phone: (row.phone as string | null) ?? null,
    respondedAt: readTime(row.responded_at)!,
    visitedAt: readTime(row.visited_at),
    marketingConsent: readNullableBool(row.marketing_consent),
    touchpoint: (row.touchpoint as string | null) ?? null,
  };
}

function recordValues(dialect: Dialect, r: ResponseRecord): unknown[] {
  return [
    r.id,
    r.responseId,
    r.customerId,
    r.locationId,
    r.score,
    r.segment,
    r.comment,
    r.name,
    r.phone,
    dbTime(dialect, r.respondedAt),
    dbTime(dialect, r.visitedAt),
    r.marketingConsent,
    r.importSeq,
    r.touchpoint,
  ];
}

/** A response record as PostgreSQL batch writes read it (keys named as the record's fields). */
const RECORD_ROWS = new JsonRows(`id uuid, "responseId" text, "customerId" uuid, "locationId" uuid, score smallint, segment text,
  comment text, name text, phone text, "respondedAt" timestamptz, "visitedAt" timestamptz, "marketingConsent" boolean,
  "importSeq" bigint, touchpoint text`);

const UPSERT_SET = `customer_id = excluded.customer_id, location_id = excluded.location_id, score = excluded.score,
  segment = excluded.segment, comment = excluded.comment, name = excluded.name, phone = excluded.phone,
  responded_at = excluded.responded_at, visited_at = excluded.visited_at, marketing_consent = excluded.marketing_consent,
  touchpoint = excluded.touchpoint, import_seq = excluded.import_seq, updated_at = excluded.updated_at`;

/** A customer's latest response as `latestFor` reads it. */
interface LatestRow {
  customer_id: string;
  id: string;
  score: number | string;
  segment: Segment;
  location_id: string;
  responded_at: unknown;
  marketing_consent: unknown;
  name: string | null;
  phone: string | null;
  import_seq: number | string;
}

/** feedback_response access: batch reads and writes for the import, aggregates for NPS. */
@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The stored responses among these source ids, by source id. */
  async findByResponseIds(responseIds: string[], manager: EntityManager): Promise<Map<string, StoredResponse>> {
    const found = new Map<string, StoredResponse>();
    const rows = await rowsAmong(manager, responseIds, 'response_id', (among) => `SELECT ${COLUMNS} FROM feedback_response WHERE ${among}`);
    for (const row of rows) {
      const stored = toStored(row);
      found.set(stored.responseId, stored);
    }
    return found;
  }

  /**
   * Inserts or replaces (by source id) in one statement per batch (SQLite: per chunk). Returns the
   * stored row id per source id: normally the record's, but the existing one if another transaction
   * inserted the same response meanwhile.
   */
  async upsertMany(records: ResponseRecord[], now: Date, manager: EntityManager): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (records.length === 0) return ids;
    const dialect = dialectOf(manager);
    if (dialect === 'postgres') {
      const rows: { id: string; response_id: string }[] = await manager.query(
        `INSERT INTO feedback_response (id, response_id, customer_id, location_id, score, segment, comment, name, phone,
           responded_at, visited_at, marketing_consent, import_seq, touchpoint, created_at, updated_at)
         SELECT t.*, $2::timestamptz, $2::timestamptz FROM ${RECORD_ROWS.table('$1', 't')}
         ON CONFLICT (response_id) DO UPDATE SET ${UPSERT_SET}
         RETURNING id, response_id`,
        [RECORD_ROWS.json(records), now.toISOString()],
      );
      for (const row of rows) ids.set(row.response_id, row.id);
      return ids;
    }
    const columns = 16;
    const stamp = dbTime(dialect, now);
    for (const chunk of chunks(records, sqliteChunkSize(columns))) {
      const rows: { id: string; response_id: string }[] = await manager.query(
        `INSERT INTO feedback_response (id, response_id, customer_id, location_id, score, segment, comment, name, phone,
           responded_at, visited_at, marketing_consent, import_seq, touchpoint, created_at, updated_at)
         VALUES ${sqliteRows(chunk.length, columns)}
         ON CONFLICT (response_id) DO UPDATE SET ${UPSERT_SET}
         RETURNING id, response_id`,
        chunk.flatMap((r) => [...recordValues(dialect, r), stamp, stamp]),
      );
      for (const row of rows) ids.set(row.response_id, row.id);
    }
    return ids;
  }

  /** Each customer's latest response (`responded_at`, then `import_seq`); customers without one are absent. */
  async latestFor(customerIds: string[], manager: EntityManager): Promise<Map<string, LatestResponse>> {
    const latest = new Map<string, LatestResponse>();
    const select = 'customer_id, id, score, segment, location_id, responded_at, marketing_consent, name, phone, import_seq';
    const rows = await rowsAmong<LatestRow>(
      manager,
      customerIds,
      'customer_id',
      (among, dialect) =>
        dialect === 'postgres'
          ? `SELECT DISTINCT ON (customer_id) ${select} FROM feedback_response WHERE ${among} ORDER BY customer_id, responded_at DESC, import_seq DESC`
          : `SELECT ${select} FROM (
               SELECT ${select}, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY responded_at DESC, import_seq DESC) AS rn
               FROM feedback_response WHERE ${among}
             ) WHERE rn = 1`,
      { type: 'uuid' },
    );
    for (const row of rows) {
      latest.set(row.customer_id, {
        id: row.id,
        score: Number(row.score),
        segment: row.segment,
        locationId: row.location_id,
        respondedAt: readTime(row.responded_at)!,
        marketingConsent: readNullableBool(row.marketing_consent),
        name: row.name ?? null,
        phone: row.phone ?? null,
        importSeq: Number(row.import_seq),
      });
    }
    return latest;
  }

  /**
   * A ticket per written batch: rows get `ticket * 1,000,000 + position`, so import order follows
   * write order across processes. Taken outside the batch transaction so no lock is held meanwhile.
   */
  async nextTicket(): Promise<number> {
    const rows: { value: string | number }[] = await this.dataSource.query(
      `INSERT INTO feedback_sequence (name, value) VALUES ('import', 1)
       ON CONFLICT (name) DO UPDATE SET value = feedback_sequence.value + 1
       RETURNING value`,
    );
    return Number(rows[0].value);
  }

  /** Responses per segment, optionally per period (`YYYY-MM-DD`, the Monday of the ISO week or the 1st of the month, UTC). */
  async segmentCounts(
    filter: SegmentFilter,
    interval?: Interval,
  ): Promise<(SegmentCounts & { period: string | null; locationId: string | null })[]> {
    return this.countSegments(filter, interval ? { interval } : undefined);
  }

  /** Responses per segment for each location. */
  segmentCountsByLocation(filter: SegmentFilter): Promise<(SegmentCounts & { locationId: string | null })[]> {
    return this.countSegments(filter, 'location');
  }

  private async countSegments(
    filter: SegmentFilter,
    group?: { interval: Interval } | 'location',
  ): Promise<(SegmentCounts & { period: string | null; locationId: string | null })[]> {
    const interval = typeof group === 'object' ? group.interval : undefined;
    const byLocation = group === 'location';
    const dialect = dialectOf(this.dataSource.manager);
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return dialect === 'postgres' ? `$${params.length}` : '?';
    };
    const where: string[] = [];
    if (filter.locationIds) {
      if (filter.locationIds.length === 0) return [];
      where.push(`location_id IN (${filter.locationIds.map((id) => p(id)).join(', ')})`);
    }
    if (filter.from) where.push(`responded_at >= ${p(dbTime(dialect, filter.from))}`);
    if (filter.to) where.push(`responded_at < ${p(dbTime(dialect, filter.to))}`);
    const period = !interval
      ? 'NULL'
      : dialect === 'postgres'
        ? `to_char(date_trunc('${interval}', responded_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`
        : interval === 'week'
          ? `date(responded_at, 'weekday 0', '-6 days')`
          : `strftime('%Y-%m-01', responded_at)`;
    const rows: {
      period: string | null;
      location_id: string | null;
      promoters: string | number;
      passives: string | number;
      detractors: string | number;
    }[] = await this.dataSource.query(
        `SELECT ${period} AS period, ${byLocation ? 'location_id' : 'NULL'} AS location_id,
           SUM(CASE WHEN segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
           SUM(CASE WHEN segment = 'passive' THEN 1 ELSE 0 END) AS passives,
           SUM(CASE WHEN segment = 'detractor' THEN 1 ELSE 0 END) AS detractors
         FROM feedback_response ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ${interval || byLocation ? 'GROUP BY 1, 2 ORDER BY 1, 2' : ''}`,
        params,
      );
    return rows
      .filter((r) => r.promoters !== null)
      .map((r) => ({
        period: r.period,
        locationId: r.location_id,
        promoters: Number(r.promoters),
        passives: Number(r.passives),
        detractors: Number(r.detractors),
      }));
  }

  /** Source ids of these stored responses (for alert views). */
  async findByIds(ids: string[]): Promise<Map<string, StoredResponse>> {
    const rows = await rowsAmong(this.dataSource.manager, ids, 'id', (among) => `SELECT ${COLUMNS} FROM feedback_response WHERE ${among}`, { type: 'uuid' });
    return new Map(rows.map((row) => [String(row.id), toStored(row)]));
  }
}
