import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dialectOf, readCount, SqlParams } from '../database/sql';

export interface ReachTotals {
  humanClicks: number;
  /** Summed per link and day (DESIGN.md: longer ranges sum the days). */
  uniqueVisitors: number;
  botHits: number;
}

/** A location's reach over whole UTC days, from the daily rollups (never the raw events). */
@Injectable()
export class ReachSummary {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Days `from` to `to` inclusive, `YYYY-MM-DD`. */
  async forLocation(locationId: string, from: string, to: string): Promise<ReachTotals> {
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const [row] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(human_clicks), 0) AS h, COALESCE(SUM(unique_visitors), 0) AS u, COALESCE(SUM(bot_hits), 0) AS b
         FROM reach_daily WHERE location_id = ${p.add(locationId)} AND day >= ${p.add(from)} AND day <= ${p.add(to)}`,
      p.values,
    )) as Record<string, unknown>[];
    return { humanClicks: readCount(row.h), uniqueVisitors: readCount(row.u), botHits: readCount(row.b) };
  }
}
