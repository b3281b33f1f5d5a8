import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dialectOf, readBool, readTime, SqlParams } from '../database/sql';

export interface PromoterFilter {
  locationIds?: string[];
  from?: Date;
  to?: Date;
  minScore: number;
  /** May be contacted (marketingConsent below) or not. */
  consent?: boolean;
}

/** A page boundary for keyset pagination: newest first, then id. */
export interface PromoterCursor {
  respondedAt: Date;
  id: string;
}

export interface PromoterRow {
  id: string;
  /** Null: the response came without an address (counts, can’t be invited). */
  email: string | null;
  name: string | null;
  phone: string | null;
  score: number;
  locationId: string;
  respondedAt: Date;
  /** The survey recorded consent and the address has not opted out since: the one truth every view shows. */
  marketingConsent: boolean;
  /** On the suppression list (preference page or one-click unsubscribe). */
  optedOut: boolean;
}

/**
 * The promoter list read model: customers (customers module) whose latest response is a promoter,
 * with their consent as campaigns judge it — the survey's answer, unless the address is on the
 * suppression list (preferences module). Entries are linked to today's customer row; one made before
 * an erasure is linked again when the address is imported anew (FeedbackIngestService). The one place
 * these two tables are joined for the staff (docs/ARCHITECTURE.md).
 */
@Injectable()
export class PromotersReadModel {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page, newest latest response first, after `cursor` (keyset: a CSV export of any size reads page by page). */
  async page(filter: PromoterFilter, limit: number, cursor?: PromoterCursor, offset = 0): Promise<PromoterRow[]> {
    if (filter.locationIds?.length === 0) return [];
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const optedOut = 'EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = c.id)';
    const consented = `(c.marketing_consent = ${p.true} AND NOT ${optedOut})`;
    const where = [`c.latest_segment = 'promoter'`];
    if (filter.locationIds) where.push(`c.latest_location_id ${p.inIds(filter.locationIds)}`);
    if (filter.minScore > 9) where.push(`c.latest_score >= ${p.add(filter.minScore)}`);
    if (filter.from) where.push(`c.latest_responded_at >= ${p.time(filter.from)}`);
    if (filter.to) where.push(`c.latest_responded_at < ${p.time(filter.to)}`);
    if (filter.consent !== undefined) where.push(filter.consent ? consented : `NOT ${consented}`);
    if (cursor) {
      // Placeholders in text order (SQLite's `?` are positional): the time is bound twice.
      const { respondedAt, id } = cursor;
      where.push(`(c.latest_responded_at < ${p.time(respondedAt)} OR (c.latest_responded_at = ${p.time(respondedAt)} AND c.id > ${p.add(id)}))`);
    }
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT c.id, c.email, c.name, c.phone, c.latest_score, c.latest_location_id, c.latest_responded_at, c.marketing_consent,
              ${optedOut} AS opted_out
       FROM customer c WHERE ${where.join(' AND ')}
       ORDER BY c.latest_responded_at DESC, c.id ASC LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
      p.values,
    );
    return rows.map((row) => {
      const out = readBool(row.opted_out);
      return {
        id: row.id as string,
        email: (row.email as string | null) ?? null,
        name: (row.name as string | null) ?? null,
        phone: (row.phone as string | null) ?? null,
        score: Number(row.latest_score),
        locationId: row.latest_location_id as string,
        respondedAt: readTime(row.latest_responded_at)!,
        marketingConsent: readBool(row.marketing_consent) && !out,
        optedOut: out,
      };
    });
  }
}
