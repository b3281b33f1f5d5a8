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
  shared: number;
}

/**
 * The campaign funnel read model: a campaign's invitations (invitations module) joined with the
 * recommendations approved through them (recommendations module), counted per location in one
 * query, and the shares of those recommendations that went out (sharing and reach modules). The one place
 * these modules' tables are joined for the funnel (docs/ARCHITECTURE.md).
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
    const shared = await this.sharedByLocation(campaignId, locationIds);
    return rows.map((row) => ({
      locationId: row.location_id as string,
      invited: readCount(row.invited),
      delivered: readCount(row.delivered),
      opened: readCount(row.opened),
      reminded: readCount(row.reminded),
      approved: readCount(row.approved),
      shared: shared.get(row.location_id as string) ?? 0,
    }));
  }

  /**
   * Shares that went out: an X post made through Goodword (posted, even if deleted since), or an intent share
   * (the advocate posts it themselves, unseen by us) once the first human click on its link arrives, read
   * from the daily reach rollups.
   */
  private async sharedByLocation(campaignId: string, locationIds?: string[]): Promise<Map<string, number>> {
    const manager = this.dataSource.manager;
    const p = new SqlParams(dialectOf(manager));
    const campaign = p.add(campaignId);
    const scope = locationIds ? `AND i.location_id ${p.inIds(locationIds)}` : '';
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT i.location_id, count(DISTINCT s.id) AS shared
       FROM invitation i JOIN recommendation r ON r.invitation_id = i.id JOIN share s ON s.recommendation_id = r.id
       WHERE i.campaign_id = ${campaign} ${scope}
         AND (EXISTS (SELECT 1 FROM x_post x WHERE x.share_id = s.id AND x.posted_at IS NOT NULL)
           OR (s.channel <> 'x_post' AND EXISTS (
             SELECT 1 FROM tracked_link l JOIN reach_daily d ON d.link_id = l.id WHERE l.share_id = s.id AND d.human_clicks > 0)))
       GROUP BY i.location_id`,
      p.values,
    );
    return new Map(rows.map((row) => [row.location_id as string, readCount(row.shared)]));
  }
}
