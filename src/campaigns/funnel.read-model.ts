import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dialectOf, readCount, SqlParams } from '../database/sql';

export interface FunnelRow {
  locationId: string;
  invited: number;
  delivered: number;
  opened: number;
  reminded: number;
  approved: number;
}

/**
 * The campaign funnel read model: a campaign's invitations (invitations module) joined with the
 * recommendations approved through them (recommendations module), counted per location in one
 * query. The one place these two modules' tables are joined for the funnel (docs/ARCHITECTURE.md).
 */
@Injectable()
export class FunnelReadModel {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Funnel counts per location (only the given locations when listed). */
  async countsByLocation(campaignId: string, locationIds?: string[]): Promise<FunnelRow[]> {
    const manager = this.dataSource.manager;
    const p = new SqlParams(dialectOf(manager));
    // Placeholders in text order (SQLite's `?` are positional): the campaign first, then the locations.
    const campaign = p.add(campaignId);
    const scope = locationIds ? `AND i.location_id ${p.inIds(locationIds)}` : '';
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT i.location_id,
         sum(CASE WHEN i.status <> 'cancelled' THEN 1 ELSE 0 END) AS invited,
         sum(CASE WHEN i.sent_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
         sum(CASE WHEN i.opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opened,
         sum(CASE WHEN i.reminder_status = 'sent' THEN 1 ELSE 0 END) AS reminded,
         count(r.id) AS approved
       FROM invitation i LEFT JOIN recommendation r ON r.invitation_id = i.id
       WHERE i.campaign_id = ${campaign} ${scope} GROUP BY i.location_id`,
      p.values,
    );
    return rows.map((row) => ({
      locationId: row.location_id as string,
      invited: readCount(row.invited),
      delivered: readCount(row.delivered),
      opened: readCount(row.opened),
      reminded: readCount(row.reminded),
      approved: readCount(row.approved),
    }));
  }
}
