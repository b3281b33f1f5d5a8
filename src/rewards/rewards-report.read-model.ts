import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dialectOf, readCount, SqlParams } from '../database/sql';

export interface RewardCountsRow {
  locationId: string;
  offered: number;
  optedIn: number;
  issued: number;
  redeemed: number;
  expired: number;
  voided: number;
}

/**
 * The rewards report read model: a campaign's approved recommendations (recommendations module) and its
 * reward codes (this module), counted per location. "Offered" is every approved recommendation of the
 * campaign (each was offered the same thank-you), "opted in" those that accepted it. The one place these
 * tables are joined for reporting (docs/ARCHITECTURE.md).
 */
@Injectable()
export class RewardsReportReadModel {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async countsByLocation(campaignId: string, offerId: string, expiresAt: Date | null, now: Date): Promise<RewardCountsRow[]> {
    const manager = this.dataSource.manager;
    const p = new SqlParams(dialectOf(manager));
    // Placeholders in text order (SQLite's `?` are positional).
    const offer = p.add(offerId);
    const campaign = p.add(campaignId);
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT location_id, sum(offered) AS offered, sum(opted_in) AS opted_in, sum(issued) AS issued,
              sum(redeemed) AS redeemed, sum(outstanding) AS outstanding, sum(voided) AS voided
         FROM (
           SELECT c.location_id, 0 AS offered, 0 AS opted_in, 1 AS issued,
                  CASE WHEN c.status = 'redeemed' THEN 1 ELSE 0 END AS redeemed,
                  CASE WHEN c.status = 'issued' THEN 1 ELSE 0 END AS outstanding,
                  CASE WHEN c.status = 'voided' THEN 1 ELSE 0 END AS voided
             FROM reward_code c WHERE c.offer_id = ${offer} AND c.status <> 'available'
           UNION ALL
           SELECT r.location_id, 1, CASE WHEN r.reward_accepted THEN 1 ELSE 0 END, 0, 0, 0, 0
             FROM recommendation r WHERE r.campaign_id = ${campaign}
         ) t
        GROUP BY location_id`,
      p.values,
    );
    // Issued codes not used by the expiry are expired: the offer's one date decides for all of them.
    const expired = expiresAt !== null && new Date(expiresAt).getTime() <= now.getTime();
    return rows.map((row) => ({
      locationId: row.location_id as string,
      offered: readCount(row.offered),
      optedIn: readCount(row.opted_in),
      issued: readCount(row.issued),
      redeemed: readCount(row.redeemed),
      expired: expired ? readCount(row.outstanding) : 0,
      voided: readCount(row.voided),
    }));
  }
}
