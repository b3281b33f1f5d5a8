import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dialect, dialectOf, readCount, readTime, SqlParams } from '../database/sql';

/** What a report covers: these locations (undefined: all) and, optionally, one campaign. */
export interface ReportScope {
  locationIds?: string[];
  campaignId?: string;
}

/** UTC days, both inclusive (`YYYY-MM-DD`). */
export interface DayRange {
  from: string;
  to: string;
}

export interface FeedbackFigures {
  responses: number;
  customers: number;
  promoters: number;
  detractors: number;
}

export interface ReachFigures {
  humanClicks: number;
  uniqueVisitors: number;
  botHits: number;
}

export interface DayRow {
  day: string;
  responses: number;
  promoters: number;
  detractors: number;
  visitors: number;
  approvals: number;
}

export interface AdvocateRow {
  recommendationId: string;
  authorName: string | null;
  locationCode: string;
  locationName: string;
  approvedAt: Date;
  channels: string[];
  visitors: number;
}

export interface RewardFigures {
  optedIn: number;
  issued: number;
  redeemed: number;
  voided: number;
}

const DAY_MS = 86_400_000;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
const start = (day: string) => new Date(`${day}T00:00:00Z`);

/**
 * The reach report read model: feedback (feedback module), invitations (invitations), approved recommendations
 * (recommendations), X posts and shares (sharing), reward codes (rewards) and the daily reach rollups (reach),
 * counted for a scope and a range of days. Reach figures come from `reach_daily` only: no report reads the raw
 * click events. The one place these tables are joined for the reports (docs/ARCHITECTURE.md).
 */
@Injectable()
export class ReachReportReadModel {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get manager() {
    return this.dataSource.manager;
  }

  private params(): SqlParams {
    return new SqlParams(dialectOf(this.manager));
  }

  /** `AND <col> IN (…)` for the scope's locations; nothing when it covers all. */
  private locations(p: SqlParams, column: string, scope: ReportScope): string {
    return scope.locationIds ? `AND ${column} ${p.inIds(scope.locationIds)}` : '';
  }

  private campaign(p: SqlParams, column: string, scope: ReportScope): string {
    return scope.campaignId ? `AND ${column} = ${p.add(scope.campaignId)}` : '';
  }

  private dayOf(d: Dialect, column: string): string {
    return d === 'postgres' ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `substr(${column}, 1, 10)`;
  }

  /** Responses in the range at the scope's locations (a campaign's report passes the campaign's locations). */
  async feedback(scope: ReportScope, range: DayRange): Promise<FeedbackFigures> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT count(*) AS responses, count(DISTINCT f.customer_id) AS customers,
              sum(CASE WHEN f.segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
              sum(CASE WHEN f.segment = 'detractor' THEN 1 ELSE 0 END) AS detractors
         FROM feedback_response f
        WHERE f.responded_at >= ${p.time(start(range.from))} AND f.responded_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'f.location_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return { responses: readCount(row.responses), customers: readCount(row.customers), promoters: readCount(row.promoters), detractors: readCount(row.detractors) };
  }

  /** Invitations made (not cancelled) and first opened in the range. */
  async invitations(scope: ReportScope, range: DayRange): Promise<{ invited: number; opened: number }> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT sum(CASE WHEN i.created_at >= ${p.time(start(range.from))} AND i.created_at < ${p.time(nextDay(range.to))} AND i.status <> 'cancelled' THEN 1 ELSE 0 END) AS invited,
              sum(CASE WHEN i.opened_at >= ${p.time(start(range.from))} AND i.opened_at < ${p.time(nextDay(range.to))} THEN 1 ELSE 0 END) AS opened
         FROM invitation i
        WHERE ((i.created_at >= ${p.time(start(range.from))} AND i.created_at < ${p.time(nextDay(range.to))})
            OR (i.opened_at >= ${p.time(start(range.from))} AND i.opened_at < ${p.time(nextDay(range.to))}))
          ${this.locations(p, 'i.location_id', scope)} ${this.campaign(p, 'i.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return { invited: readCount(row.invited), opened: readCount(row.opened) };
  }

  /** Recommendations approved in the range (each approval is an event: a later withdrawal doesn't undo it). */
  async approved(scope: ReportScope, range: DayRange): Promise<number> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT count(*) AS n FROM recommendation r
        WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return readCount(row.n);
  }

  /**
   * Shares that went out in the range: an intent share once a human followed its link that day (from the
   * rollups), an X post made through Goodword when it was posted. Each share counts once.
   */
  async shared(scope: ReportScope, range: DayRange): Promise<number> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT count(*) AS n FROM (
         SELECT d.share_id FROM reach_daily d
          WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} AND d.human_clicks > 0 AND d.share_id IS NOT NULL AND d.channel <> 'x_post'
            ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}
         UNION
         SELECT x.share_id FROM x_post x JOIN share s ON s.id = x.share_id JOIN recommendation r ON r.id = s.recommendation_id
          WHERE x.posted_at >= ${p.time(start(range.from))} AND x.posted_at < ${p.time(nextDay(range.to))}
            ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}
       ) t`,
      p.values,
    )) as Record<string, unknown>[];
    return readCount(row.n);
  }

  async reach(scope: ReportScope, range: DayRange): Promise<ReachFigures> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT sum(d.human_clicks) AS human, sum(d.unique_visitors) AS visitors, sum(d.bot_hits) AS bots FROM reach_daily d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return { humanClicks: readCount(row.human), uniqueVisitors: readCount(row.visitors), botHits: readCount(row.bots) };
  }

  /** X impressions of Goodword's posts (measured): what the metrics job read on days in the range (gains since its previous read). */
  async xImpressions(scope: ReportScope, range: DayRange): Promise<number> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT sum(m.impressions_gain) AS n FROM x_post_metrics m JOIN share s ON s.id = m.share_id JOIN recommendation r ON r.id = s.recommendation_id
        WHERE m.state = 'read' AND m.day >= ${p.add(range.from)} AND m.day <= ${p.add(range.to)}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return readCount(row.n);
  }

  /** The advocates' X followers when they posted in the range (an estimate of who could have seen it, never added to measured figures). */
  async estimatedAudience(scope: ReportScope, range: DayRange): Promise<number> {
    const p = this.params();
    const [row] = (await this.manager.query(
      `SELECT sum(x.follower_count) AS n FROM x_post x JOIN share s ON s.id = x.share_id JOIN recommendation r ON r.id = s.recommendation_id
        WHERE x.x_post_id IS NOT NULL AND x.posted_at >= ${p.time(start(range.from))} AND x.posted_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return readCount(row.n);
  }

  /** Per UTC day: responses, promoters, detractors, unique visitors, approvals (days without any are left out). */
  async days(scope: ReportScope, range: DayRange): Promise<DayRow[]> {
    const d = dialectOf(this.manager);
    const rows = new Map<string, DayRow>();
    const row = (day: string) => {
      let r = rows.get(day);
      if (!r) rows.set(day, (r = { day, responses: 0, promoters: 0, detractors: 0, visitors: 0, approvals: 0 }));
      return r;
    };
    let p = this.params();
    const fday = this.dayOf(d, 'f.responded_at');
    for (const r of (await this.manager.query(
      `SELECT ${fday} AS day, count(*) AS responses, sum(CASE WHEN f.segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
              sum(CASE WHEN f.segment = 'detractor' THEN 1 ELSE 0 END) AS detractors
         FROM feedback_response f
        WHERE f.responded_at >= ${p.time(start(range.from))} AND f.responded_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'f.location_id', scope)}
        GROUP BY ${fday}`,
      p.values,
    )) as Record<string, unknown>[]) {
      Object.assign(row(String(r.day)), { responses: readCount(r.responses), promoters: readCount(r.promoters), detractors: readCount(r.detractors) });
    }
    p = this.params();
    for (const r of (await this.manager.query(
      `SELECT d.day, sum(d.unique_visitors) AS visitors FROM reach_daily d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}
        GROUP BY d.day`,
      p.values,
    )) as Record<string, unknown>[]) {
      row(String(r.day)).visitors = readCount(r.visitors);
    }
    p = this.params();
    const rday = this.dayOf(d, 'r.approved_at');
    for (const r of (await this.manager.query(
      `SELECT ${rday} AS day, count(*) AS n FROM recommendation r
        WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}
        GROUP BY ${rday}`,
      p.values,
    )) as Record<string, unknown>[]) {
      row(String(r.day)).approvals = readCount(r.n);
    }
    return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** Reach per share channel (links without a share are left out). */
  async byChannel(scope: ReportScope, range: DayRange): Promise<{ channel: string; humanClicks: number; uniqueVisitors: number; botHits: number; shares: number }[]> {
    const p = this.params();
    const rows = (await this.manager.query(
      `SELECT d.channel, sum(d.human_clicks) AS human, sum(d.unique_visitors) AS visitors, sum(d.bot_hits) AS bots,
              count(DISTINCT CASE WHEN d.human_clicks > 0 THEN d.share_id END) AS shares
         FROM reach_daily d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} AND d.channel IS NOT NULL
          ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}
        GROUP BY d.channel`,
      p.values,
    )) as Record<string, unknown>[];
    return rows.map((r) => ({ channel: String(r.channel), humanClicks: readCount(r.human), uniqueVisitors: readCount(r.visitors), botHits: readCount(r.bots), shares: readCount(r.shares) }));
  }

  /** Approvals and visitors per campaign, with its name. */
  async byCampaign(scope: ReportScope, range: DayRange): Promise<{ campaignId: string; name: string; approved: number; uniqueVisitors: number; humanClicks: number }[]> {
    let p = this.params();
    const reach = (await this.manager.query(
      `SELECT d.campaign_id, sum(d.unique_visitors) AS visitors, sum(d.human_clicks) AS human FROM reach_daily d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} AND d.campaign_id IS NOT NULL
          ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}
        GROUP BY d.campaign_id`,
      p.values,
    )) as Record<string, unknown>[];
    p = this.params();
    const approvals = (await this.manager.query(
      `SELECT r.campaign_id, count(*) AS n FROM recommendation r
        WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}
        GROUP BY r.campaign_id`,
      p.values,
    )) as Record<string, unknown>[];
    const ids = [...new Set([...reach, ...approvals].map((r) => String(r.campaign_id)))];
    if (ids.length === 0) return [];
    p = this.params();
    const names = new Map(
      ((await this.manager.query(`SELECT c.id, c.name FROM campaign c WHERE c.id ${p.inIds(ids)}`, p.values)) as Record<string, unknown>[]).map((r) => [String(r.id), String(r.name)]),
    );
    return ids
      .map((id) => {
        const r = reach.find((x) => String(x.campaign_id) === id);
        const a = approvals.find((x) => String(x.campaign_id) === id);
        return { campaignId: id, name: names.get(id) ?? id, approved: readCount(a?.n), uniqueVisitors: readCount(r?.visitors), humanClicks: readCount(r?.human) };
      })
      .sort((x, y) => y.uniqueVisitors - x.uniqueVisitors || y.approved - x.approved || x.name.localeCompare(y.name));
  }

  /** Per location of the scope: responses, promoters, detractors, approvals (advocates) and visitors. */
  async byLocation(scope: ReportScope, range: DayRange): Promise<{ locationId: string; code: string; name: string; responses: number; promoters: number; detractors: number; advocates: number; uniqueVisitors: number }[]> {
    let p = this.params();
    const locations = (await this.manager.query(
      `SELECT l.id, l.code, l.name FROM location l ${scope.locationIds ? `WHERE l.id ${p.inIds(scope.locationIds)}` : ''}`,
      p.values,
    )) as Record<string, unknown>[];
    p = this.params();
    const feedback = (await this.manager.query(
      `SELECT f.location_id, count(*) AS responses, sum(CASE WHEN f.segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
              sum(CASE WHEN f.segment = 'detractor' THEN 1 ELSE 0 END) AS detractors
         FROM feedback_response f
        WHERE f.responded_at >= ${p.time(start(range.from))} AND f.responded_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'f.location_id', scope)}
        GROUP BY f.location_id`,
      p.values,
    )) as Record<string, unknown>[];
    p = this.params();
    const approvals = (await this.manager.query(
      `SELECT r.location_id, count(*) AS n FROM recommendation r
        WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}
        GROUP BY r.location_id`,
      p.values,
    )) as Record<string, unknown>[];
    p = this.params();
    const reach = (await this.manager.query(
      `SELECT d.location_id, sum(d.unique_visitors) AS visitors FROM reach_daily d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}
        GROUP BY d.location_id`,
      p.values,
    )) as Record<string, unknown>[];
    const by = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [String(r.location_id), r]));
    const [f, a, v] = [by(feedback), by(approvals), by(reach)];
    return locations.map((l) => {
      const id = String(l.id);
      return {
        locationId: id,
        code: String(l.code),
        name: String(l.name),
        responses: readCount(f.get(id)?.responses),
        promoters: readCount(f.get(id)?.promoters),
        detractors: readCount(f.get(id)?.detractors),
        advocates: readCount(a.get(id)?.n),
        uniqueVisitors: readCount(v.get(id)?.visitors),
      };
    });
  }

  /** Responses per touchpoint (null: the source didn't say). */
  async byTouchpoint(scope: ReportScope, range: DayRange): Promise<{ touchpoint: string | null; responses: number; promoters: number; detractors: number }[]> {
    const p = this.params();
    const rows = (await this.manager.query(
      `SELECT f.touchpoint, count(*) AS responses, sum(CASE WHEN f.segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
              sum(CASE WHEN f.segment = 'detractor' THEN 1 ELSE 0 END) AS detractors
         FROM feedback_response f
        WHERE f.responded_at >= ${p.time(start(range.from))} AND f.responded_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'f.location_id', scope)}
        GROUP BY f.touchpoint`,
      p.values,
    )) as Record<string, unknown>[];
    return rows
      .map((r) => ({ touchpoint: r.touchpoint === null ? null : String(r.touchpoint), responses: readCount(r.responses), promoters: readCount(r.promoters), detractors: readCount(r.detractors) }))
      .sort((a, b) => b.responses - a.responses);
  }

  /**
   * Recommendations approved in the range that are still public (never withdrawn, hidden or erased), newest
   * first, with the visitors their links drew in the range.
   */
  async advocates(scope: ReportScope, range: DayRange, limit: number): Promise<AdvocateRow[]> {
    const p = this.params();
    const [from, to] = [p.add(range.from), p.add(range.to)];
    const rows = (await this.manager.query(
      `SELECT r.id, r.author_name, r.channels, r.approved_at, l.code, l.name,
              (SELECT sum(d.unique_visitors) FROM reach_daily d WHERE d.recommendation_id = r.id AND d.day >= ${from} AND d.day <= ${to}) AS visitors
         FROM recommendation r JOIN location l ON l.id = r.location_id
        WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
          AND r.withdrawn_at IS NULL AND r.hidden_at IS NULL AND r.erased_at IS NULL
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}
        ORDER BY r.approved_at DESC, r.id LIMIT ${Number(limit)}`,
      p.values,
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      recommendationId: String(r.id),
      authorName: r.author_name === null ? null : String(r.author_name),
      locationCode: String(r.code),
      locationName: String(r.name),
      approvedAt: readTime(r.approved_at)!,
      channels: (typeof r.channels === 'string' ? (JSON.parse(r.channels) as string[]) : (r.channels as string[] | null)) ?? [],
      visitors: readCount(r.visitors),
    }));
  }

  /** Rewards: opted in at approval, codes issued, redeemed and voided in the range. */
  async rewards(scope: ReportScope, range: DayRange): Promise<RewardFigures> {
    let p = this.params();
    const [opted] = (await this.manager.query(
      `SELECT count(*) AS n FROM recommendation r
        WHERE r.reward_accepted = ${p.true} AND r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    p = this.params();
    const [from, to] = [start(range.from), nextDay(range.to)];
    const between = (column: string) => `${column} >= ${p.time(from)} AND ${column} < ${p.time(to)}`;
    const [codes] = (await this.manager.query(
      `SELECT sum(CASE WHEN ${between('c.issued_at')} THEN 1 ELSE 0 END) AS issued,
              sum(CASE WHEN ${between('c.redeemed_at')} THEN 1 ELSE 0 END) AS redeemed,
              sum(CASE WHEN ${between('c.voided_at')} AND c.status = 'voided' THEN 1 ELSE 0 END) AS voided
         FROM reward_code c JOIN reward_offer o ON o.id = c.offer_id
        WHERE c.status <> 'available' ${this.locations(p, 'c.location_id', scope)} ${this.campaign(p, 'o.campaign_id', scope)}`,
      p.values,
    )) as Record<string, unknown>[];
    return { optedIn: readCount(opted.n), issued: readCount(codes.issued), redeemed: readCount(codes.redeemed), voided: readCount(codes.voided) };
  }
}
