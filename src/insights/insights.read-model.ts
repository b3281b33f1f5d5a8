import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dialectOf, readBool, readTime, SqlParams } from '../database/sql';

export interface CommentRow {
  id: string;
  locationId: string;
  score: number;
  segment: 'promoter' | 'passive' | 'detractor';
  comment: string;
  /** The respondent's name as given with the response (masked out of quotes, shortened for kudos). */
  name: string | null;
  respondedAt: Date;
}

export interface ApprovedRow {
  id: string;
  locationId: string;
  text: string;
  authorName: string | null;
  rewardAccepted: boolean;
  approvedAt: Date;
}

/**
 * What the manager's week reads from other modules: feedback comments (feedback's `feedback_response`)
 * and approved recommendations still shown (recommendations' `recommendation`). Read only, one place.
 */
@Injectable()
export class InsightsReadModel {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Responses with a comment in [from, to), of these segments, at these locations (undefined: all). */
  async comments(filter: { locationIds?: string[]; segments: string[]; from: Date; to: Date }): Promise<CommentRow[]> {
    if (filter.locationIds?.length === 0) return [];
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const where = [`fr.responded_at >= ${p.time(filter.from)}`, `fr.responded_at < ${p.time(filter.to)}`, `fr.comment IS NOT NULL`, `fr.comment <> ''`];
    where.push(`fr.segment ${p.inIds(filter.segments, 'text')}`);
    if (filter.locationIds) where.push(`fr.location_id ${p.inIds(filter.locationIds)}`);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT fr.id, fr.location_id, fr.score, fr.segment, fr.comment, fr.name, fr.responded_at
         FROM feedback_response fr WHERE ${where.join(' AND ')} ORDER BY fr.responded_at DESC`,
      p.values,
    );
    return rows.map((r) => ({
      id: String(r.id),
      locationId: String(r.location_id),
      score: Number(r.score),
      segment: r.segment as CommentRow['segment'],
      comment: String(r.comment),
      name: (r.name as string | null) ?? null,
      respondedAt: readTime(r.responded_at)!,
    }));
  }

  /** Approved recommendations at a location in [from, to) that are still public (not withdrawn, hidden or erased). */
  async approved(locationId: string, from: Date, to: Date): Promise<ApprovedRow[]> {
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT r.id, r.location_id, r.text, r.author_name, r.reward_accepted, r.approved_at FROM recommendation r
        WHERE r.location_id = ${p.add(locationId)} AND r.approved_at >= ${p.time(from)} AND r.approved_at < ${p.time(to)}
          AND r.withdrawn_at IS NULL AND r.hidden_at IS NULL AND r.erased_at IS NULL AND r.text IS NOT NULL
        ORDER BY r.approved_at DESC`,
      p.values,
    );
    return rows.map((r) => ({
      id: String(r.id),
      locationId: String(r.location_id),
      text: String(r.text),
      authorName: (r.author_name as string | null) ?? null,
      rewardAccepted: readBool(r.reward_accepted),
      approvedAt: readTime(r.approved_at)!,
    }));
  }
}
