import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pLimit from 'p-limit';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DAY_MS, DayRange, utcDay } from '../common/time/days';
import { Dialect, dialectOf, readCount, readTime, SqlParams } from '../database/sql';

/** What a report covers: these locations (undefined: all) and, optionally, one campaign. */
export interface ReportScope {
  locationIds?: string[];
  campaignId?: string;
}

export type { DayRange };

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

export interface ReachCut extends ReachFigures {
  /** The day, channel, campaign id or location id (null: links without one). */
  key: string | null;
}

export interface ReachCuts {
  total: ReachFigures;
  day: ReachCut[];
  channel: ReachCut[];
  campaign: ReachCut[];
  location: ReachCut[];
}

export interface ApprovalFigures {
  approved: number;
  /** Of those, how many accepted the thank-you. */
  optedIn: number;
}

/** Approvals per day, campaign id and location id (keys without any are absent). */
export interface ApprovalCuts {
  total: ApprovalFigures;
  day: Map<string, number>;
  campaign: Map<string, number>;
  location: Map<string, number>;
}

export interface FeedbackCut {
  key: string | null;
  responses: number;
  promoters: number;
  detractors: number;
}

export interface FeedbackCuts {
  day: FeedbackCut[];
  location: FeedbackCut[];
  touchpoint: FeedbackCut[];
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

/**
 * Report reads running at once in this process. A report fires two dozen reads; on a database with few cores
 * they mostly wait on each other, and the slowest report of a series came out worse (a dealer's year on 2 cores:
 * p90 120 → 75 ms, max 390 → 190 ms at 4 against the pool's 20). It also leaves the rest of the pool to the
 * redirects and imports while several people open reports.
 */
const READS_AT_ONCE = 4;
/** Where `cutsSkeleton` leaves each select's conditions. */
const WHERE = '\u0000where\u0000';
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
  private readonly limit = pLimit(READS_AT_ONCE);
  /**
   * Built once per process: the names of the narrow scopes' statements by text, and `cutsSql`'s texts by shape
   * (without their conditions). Both are few: the texts hold parameters, never values. Building and hashing them
   * on every read took 0.07 ms of a campaign's reach read (0.2 ms in all, alone in a loop), now 0.03 ms.
   */
  private readonly statementNames = new Map<string, string>();
  private readonly cutsShapes = new Map<string, string[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get manager() {
    return this.dataSource.manager;
  }

  private params(): SqlParams {
    return new SqlParams(dialectOf(this.manager));
  }

  /**
   * Runs one query whose text is built with its own parameter list (so several can run at once). For a narrow
   * scope (a campaign, one location) on PostgreSQL, as a named prepared statement: its rows answer in a fraction
   * of a millisecond and planning the statement each time was most of the read (a campaign's reach cuts 0.7–1.0 →
   * 0.2–0.3 ms). Wider scopes are planned for their own parameters each time, where execution is the larger share.
   */
  private rows(build: (p: SqlParams) => string, scope?: ReportScope): Promise<Record<string, unknown>[]> {
    const p = this.params();
    const sql = build(p);
    if (p.dialect === 'postgres' && scope && narrow(scope)) {
      // One name per text: each connection prepares it at its first use and keeps it.
      const name = this.statementName(sql);
      const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
      return this.limit(async () => (await pool.query({ name, text: sql, values: p.values })).rows);
    }
    return this.limit(() => this.manager.query(sql, p.values) as Promise<Record<string, unknown>[]>);
  }

  private statementName(sql: string): string {
    let name = this.statementNames.get(sql);
    if (name === undefined) this.statementNames.set(sql, (name = `report_${this.statementNames.size + 1}`));
    return name;
  }

  /**
   * `AND <col> IN (…)` for the scope's locations; nothing when it covers all. One location is compared with `=`:
   * PostgreSQL then keeps one generic plan for the named statement (`rows`), while for `= ANY($n)` its generic
   * estimate is worse than its plans for each call's values, so it planned every call again (a location's
   * 30-day reach cuts: 0.3 ms planning for 0.2 ms of work).
   */
  private locations(p: SqlParams, column: string, scope: ReportScope): string {
    if (!scope.locationIds) return '';
    return scope.locationIds.length === 1 ? `AND ${column} = ${p.add(scope.locationIds[0])}` : `AND ${column} ${p.inIds(scope.locationIds)}`;
  }

  private campaign(p: SqlParams, column: string, scope: ReportScope): string {
    return scope.campaignId ? `AND ${column} = ${p.add(scope.campaignId)}` : '';
  }

  /** The UTC day of a timestamp: what to group by, and the `YYYY-MM-DD` text to select (grouping by a date is cheaper than by text). */
  private dayOf(d: Dialect, column: string): { group: string; select: string } {
    if (d !== 'postgres') return { group: `substr(${column}, 1, 10)`, select: `substr(${column}, 1, 10)` };
    const group = `(${column} AT TIME ZONE 'UTC')::date`;
    return { group, select: `to_char(${group}, 'YYYY-MM-DD')` };
  }

  /**
   * Responses in the range at the scope's locations (a campaign's report passes the campaign's locations).
   * `cuts`: the same range's `feedbackCuts` when the caller reads them anyway: the sums come from its per-location
   * cut, and only the customers are counted here (grouping by customer without sums costs half: a dealer's year 23 → 11 ms).
   */
  async feedback(scope: ReportScope, range: DayRange, cuts?: Promise<FeedbackCuts>): Promise<FeedbackFigures> {
    const where = (p: SqlParams) =>
      `f.responded_at >= ${p.time(start(range.from))} AND f.responded_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'f.location_id', scope)}`;
    const customers = (p: SqlParams) => `SELECT count(*) FROM (SELECT f.customer_id FROM feedback_response f WHERE ${where(p)} GROUP BY f.customer_id) c`;
    if (cuts) {
      const [[row], { location }] = await Promise.all([
        this.rows((p) => `SELECT (${customers(p)}) AS customers`, scope),
        cuts,
      ]);
      const sum = (field: 'responses' | 'promoters' | 'detractors') => location.reduce((n, c) => n + c[field], 0);
      return { responses: sum('responses'), customers: readCount(row.customers), promoters: sum('promoters'), detractors: sum('detractors') };
    }
    const [row] = await this.rows(
      // The customers grouped without sums, the sums over the rows: two scans of an index, cheaper than summing per
      // customer (a dealer's year 23 → 19 ms), and a hash aggregate where count(DISTINCT …) sorts every row (36 → 21 ms).
      (p) => `SELECT (${customers(p)}) AS customers,
                     count(*) AS responses, sum(CASE WHEN f.segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
                     sum(CASE WHEN f.segment = 'detractor' THEN 1 ELSE 0 END) AS detractors
                FROM feedback_response f WHERE ${where(p)}`,
      scope,
    );
    return { responses: readCount(row.responses), customers: readCount(row.customers), promoters: readCount(row.promoters), detractors: readCount(row.detractors) };
  }

  /** Invitations made (not cancelled) and first opened in the range. */
  async invitations(scope: ReportScope, range: DayRange): Promise<{ invited: number; opened: number }> {
    const [row] = await this.rows(
      (p) => `SELECT sum(CASE WHEN i.created_at >= ${p.time(start(range.from))} AND i.created_at < ${p.time(nextDay(range.to))} AND i.status <> 'cancelled' THEN 1 ELSE 0 END) AS invited,
              sum(CASE WHEN i.opened_at >= ${p.time(start(range.from))} AND i.opened_at < ${p.time(nextDay(range.to))} THEN 1 ELSE 0 END) AS opened
         FROM invitation i
        WHERE ((i.created_at >= ${p.time(start(range.from))} AND i.created_at < ${p.time(nextDay(range.to))})
            OR (i.opened_at >= ${p.time(start(range.from))} AND i.opened_at < ${p.time(nextDay(range.to))}))
          ${this.locations(p, 'i.location_id', scope)} ${this.campaign(p, 'i.campaign_id', scope)}`,
      scope,
    );
    return { invited: readCount(row.invited), opened: readCount(row.opened) };
  }

  /** Recommendations approved in the range (each approval is an event: a later withdrawal doesn't undo it). */
  async approvals(scope: ReportScope, range: DayRange): Promise<ApprovalFigures> {
    const [row] = await this.rows(
      (p) => `SELECT count(*) AS n, sum(CASE WHEN r.reward_accepted THEN 1 ELSE 0 END) AS opted FROM recommendation r
               WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
                 ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      scope,
    );
    return { approved: readCount(row.n), optedIn: readCount(row.opted) };
  }

  /**
   * Shares that went out in the range: an intent share once a human followed its link (any channel but X posts
   * made here), an X post made through Goodword when it was posted. A share has one channel, so the per-channel
   * counts add up without counting one twice. `shares`: the per-channel counts when the caller reads them anyway.
   */
  async shared(scope: ReportScope, range: DayRange, shares = this.sharesWithVisits(scope, range)): Promise<number> {
    const [byChannel, xPosts] = await Promise.all([shares, this.xPostsMade(scope, range)]);
    return [...byChannel].reduce((n, [channel, count]) => (channel === 'x_post' ? n : n + count), 0) + xPosts;
  }

  /** Per channel, the shares whose links drew a human visit in the range. */
  async sharesWithVisits(scope: ReportScope, range: DayRange): Promise<Map<string, number>> {
    const rows = await this.rows(
      (p) => `SELECT t.channel, count(*) AS shares FROM (
                SELECT DISTINCT d.channel, d.share_id FROM reach_daily d
                 WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} AND d.human_clicks > 0 AND d.channel IS NOT NULL AND d.share_id IS NOT NULL
                   ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}) t
               GROUP BY t.channel`,
      scope,
    );
    return new Map(rows.map((r) => [String(r.channel), readCount(r.shares)]));
  }

  /** X posts made through Goodword in the range: each counts as shared when it is made, visited or not. */
  async xPostsMade(scope: ReportScope, range: DayRange): Promise<number> {
    const [row] = await this.rows(
      (p) => `SELECT count(DISTINCT x.share_id) AS n FROM x_post x JOIN share s ON s.id = x.share_id JOIN recommendation r ON r.id = s.recommendation_id
               WHERE x.posted_at >= ${p.time(start(range.from))} AND x.posted_at < ${p.time(nextDay(range.to))}
                 ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      scope,
    );
    return readCount(row.n);
  }

  async reach(scope: ReportScope, range: DayRange): Promise<ReachFigures> {
    const from = this.reachRollup(scope);
    const [row] = await this.rows(
      (p) => `SELECT sum(d.human_clicks) AS human, sum(d.unique_visitors) AS visitors, sum(d.bot_hits) AS bots FROM ${from} d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}`,
      scope,
    );
    return { humanClicks: readCount(row.human), uniqueVisitors: readCount(row.visitors), botHits: readCount(row.bots) };
  }

  /** Unique visitors per location id over the range (locations without any are left out), from the per-location rollup. */
  async visitorsByLocation(scope: ReportScope, range: DayRange): Promise<Map<string, number>> {
    const rows = await this.rows(
      (p) => `SELECT d.location_id AS id, sum(d.unique_visitors) AS visitors FROM reach_location_daily d
        WHERE d.day >= ${p.add(range.from)} AND d.day <= ${p.add(range.to)} ${this.locations(p, 'd.location_id', scope)} GROUP BY d.location_id`,
      scope,
    );
    return new Map(rows.map((r) => [String(r.id), readCount(r.visitors)]));
  }

  /**
   * Where a scope's totals and per-day and per-location reach are read: the per-link rollup for a campaign (it
   * alone knows campaigns), else the per-location one (a row per location and day), to which all locations'
   * reach adds the links without a location, which only the per-link rollup holds. Read per link, the reach cuts
   * of all locations' year took 0.77 s (a million link-days in the bench), now 0.09 s.
   */
  private reachRollup(scope: ReportScope): string {
    if (perLink(scope)) return 'reach_daily';
    if (scope.locationIds) return 'reach_location_daily';
    return `(SELECT location_id, day, human_clicks, unique_visitors, bot_hits FROM reach_location_daily
              UNION ALL SELECT location_id, day, human_clicks, unique_visitors, bot_hits FROM reach_daily WHERE location_id IS NULL)`;
  }

  /** X impressions of Goodword's posts (measured): what the metrics job read on days in the range (gains since its previous read). */
  async xImpressions(scope: ReportScope, range: DayRange): Promise<number> {
    const [row] = await this.rows(
      (p) => `SELECT sum(m.impressions_gain) AS n FROM x_post_metrics m JOIN share s ON s.id = m.share_id JOIN recommendation r ON r.id = s.recommendation_id
        WHERE m.state = 'read' AND m.day >= ${p.add(range.from)} AND m.day <= ${p.add(range.to)}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      scope,
    );
    return readCount(row.n);
  }

  /** The advocates' X followers when they posted in the range (an estimate of who could have seen it, never added to measured figures). */
  async estimatedAudience(scope: ReportScope, range: DayRange): Promise<number> {
    const [row] = await this.rows(
      (p) => `SELECT sum(x.follower_count) AS n FROM x_post x JOIN share s ON s.id = x.share_id JOIN recommendation r ON r.id = s.recommendation_id
        WHERE x.x_post_id IS NOT NULL AND x.posted_at >= ${p.time(start(range.from))} AND x.posted_at < ${p.time(nextDay(range.to))}
          ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`,
      scope,
    );
    return readCount(row.n);
  }

  /**
   * The scope's reach in the range, cut five ways (total, per day, channel, campaign, location) from the rollups:
   * the time and place cuts (GROUPING SETS on PostgreSQL, UNION ALL on SQLite; from the per-location rollup where
   * the scope allows) and the share cuts, read as one channel × campaign grouping (a few hundred rows) and added up
   * here per channel and per campaign. A campaign or one location is read in one statement: its rollups answer in
   * a fraction of a millisecond, so trips to the pool were most of the read. Wider scopes read the parts side by
   * side on several connections, where the database's work is the larger share.
   */
  async reachCuts(scope: ReportScope, range: DayRange): Promise<ReachCuts> {
    const sums = 'sum(d.human_clicks) AS human, sum(d.unique_visitors) AS visitors, sum(d.bot_hits) AS bots';
    const where = (p: SqlParams, days = range) =>
      `d.day >= ${p.add(days.from)} AND d.day <= ${p.add(days.to)} ${this.locations(p, 'd.location_id', scope)} ${this.campaign(p, 'd.campaign_id', scope)}`;
    const rollup = this.reachRollup(scope);
    // A campaign's share cut groups the same per-link rows as its time and place cuts: one scan serves all of
    // them (0.22 → 0.12 ms of the database's work for a campaign's 30 days).
    const oneScan = perLink(scope);
    const by = { day: 'd.day', location: 'd.location_id', ...(oneScan ? { share: this.shareKey() } : {}) };
    const parts = [(p: SqlParams) => this.cutsSql(p, `${rollup} d`, by, sums, where, true, 2), ...(oneScan ? [] : this.shareCuts(scope, range, sums, where))];
    const rows = narrow(scope)
      ? await this.rows((p) => parts.map((part) => part(p)).join(' UNION ALL '), scope)
      : (await Promise.all(parts.map((part) => this.rows(part)))).flat();
    const figures = (r: Record<string, unknown>): ReachFigures => ({ humanClicks: readCount(r.human), uniqueVisitors: readCount(r.visitors), botHits: readCount(r.bots) });
    const cuts: ReachCuts = { total: { humanClicks: 0, uniqueVisitors: 0, botHits: 0 }, day: [], channel: [], campaign: [], location: [] };
    const shares: Record<string, unknown>[] = [];
    for (const r of rows) {
      if (r.kind === 'total') cuts.total = figures(r);
      else if (r.kind === 'share') shares.push(r);
      else cuts[r.kind as 'day' | 'location'].push({ key: keyOf(r.k0), ...figures(r) });
    }
    cuts.channel = addUp(shares, 'k0', figures);
    cuts.campaign = addUp(shares, 'k1', figures);
    return cuts;
  }

  /** The per-link rollup's share cut: grouped by channel and campaign, returned as `k0` and `k1` (text). */
  private shareKey(): { group: string[]; select: string[] } {
    return { group: ['d.channel', 'd.campaign_id'], select: ['d.channel', dialectOf(this.manager) === 'postgres' ? 'd.campaign_id::text' : 'd.campaign_id'] };
  }

  /**
   * Selects of reach per share channel (`k0`) × campaign (`k1`), as rows of kind `share`. Without a campaign over
   * two or more whole months, those months from the monthly rollup (per location: all locations add the links
   * without one per link) and only the days at either end per link; otherwise every day per link.
   */
  private shareCuts(scope: ReportScope, range: DayRange, sums: string, where: (p: SqlParams, days: DayRange) => string): ((p: SqlParams) => string)[] {
    const { group, select } = this.shareKey();
    const daily = (days: DayRange, unlocated = false) => (p: SqlParams) =>
      `SELECT 'share' AS kind, ${select[0]} AS k0, ${select[1]} AS k1, ${sums} FROM reach_daily d
        WHERE ${where(p, days)} ${unlocated ? 'AND d.location_id IS NULL' : ''} GROUP BY ${group.join(', ')}`;
    const { months, days } = wholeMonths(range);
    // One whole month saves little and costs a select more (a 30-day report); two or more pay.
    if (perLink(scope) || !months || months.from === months.to) return [daily(range)];
    const monthly = (p: SqlParams) => `SELECT 'share' AS kind, NULLIF(d.channel, '') AS k0, NULLIF(d.campaign_id, '') AS k1, ${sums} FROM reach_location_monthly d
               WHERE d.month >= ${p.add(months.from)} AND d.month <= ${p.add(months.to)} ${this.locations(p, 'd.location_id', scope)}
               GROUP BY d.channel, d.campaign_id`;
    return [monthly, ...days.map((d) => daily(d)), ...(scope.locationIds ? [] : [daily({ from: months.firstDay, to: months.lastDay }, true)])];
  }

  /** Responses in the range per day, location and touchpoint, in one read (as `reachCuts`). */
  async feedbackCuts(scope: ReportScope, range: DayRange): Promise<FeedbackCuts> {
    const day = this.dayOf(dialectOf(this.manager), 'f.responded_at');
    const sums = `count(*) AS responses, sum(CASE WHEN f.segment = 'promoter' THEN 1 ELSE 0 END) AS promoters,
                  sum(CASE WHEN f.segment = 'detractor' THEN 1 ELSE 0 END) AS detractors`;
    const where = (p: SqlParams) =>
      `f.responded_at >= ${p.time(start(range.from))} AND f.responded_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'f.location_id', scope)}`;
    const rows = await this.cuts(scope, 'feedback_response f', { day, location: 'f.location_id', touchpoint: 'f.touchpoint' }, sums, where, false);
    const cuts: FeedbackCuts = { day: [], location: [], touchpoint: [] };
    for (const r of rows) {
      cuts[r.kind as keyof FeedbackCuts].push({
        key: keyOf(r.k0),
        responses: readCount(r.responses),
        promoters: readCount(r.promoters),
        detractors: readCount(r.detractors),
      });
    }
    return cuts;
  }

  /** Approvals in the range (and those that accepted the thank-you) per day, campaign and location, and in total, in one read. */
  async approvalCuts(scope: ReportScope, range: DayRange): Promise<ApprovalCuts> {
    const day = this.dayOf(dialectOf(this.manager), 'r.approved_at');
    const where = (p: SqlParams) =>
      `r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))} ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}`;
    const rows = await this.cuts(
      scope,
      'recommendation r',
      { day, campaign: 'r.campaign_id', location: 'r.location_id' },
      'count(*) AS n, sum(CASE WHEN r.reward_accepted THEN 1 ELSE 0 END) AS opted',
      where,
    );
    const cuts: ApprovalCuts = { total: { approved: 0, optedIn: 0 }, day: new Map(), campaign: new Map(), location: new Map() };
    for (const r of rows) {
      if (r.kind === 'total') cuts.total = { approved: readCount(r.n), optedIn: readCount(r.opted) };
      else if (r.k0 !== null) cuts[r.kind as 'day' | 'campaign' | 'location'].set(String(r.k0), readCount(r.n));
    }
    return cuts;
  }

  /** `sums` of `from` grouped by each of `by` (and in total when `total`), as rows `{ kind, k0, …sums }`. */
  private async cuts(scope: ReportScope, from: string, by: Record<string, CutColumn>, sums: string, where: (p: SqlParams) => string, total = true): Promise<CutRow[]> {
    return (await this.rows((p) => this.cutsSql(p, from, by, sums, where, total), scope)) as CutRow[];
  }

  /**
   * The select behind `cuts`: a row per group of each grouping in `by` (named by its kind, its key as text in
   * `k0`) and a `total` row. `keys`: how many key columns to return (`k1`, … are null), to line up with other
   * selects in a UNION ALL.
   */
  private cutsSql(p: SqlParams, from: string, by: Record<string, CutColumn>, sums: string, where: (p: SqlParams) => string, total = true, keys = 1): string {
    const shape = `${from}\n${JSON.stringify(by)}\n${sums}\n${total}\n${keys}`;
    let pieces = this.cutsShapes.get(shape);
    if (!pieces) {
      pieces = this.cutsSkeleton(from, by, sums, total, keys).split(WHERE);
      this.cutsShapes.set(shape, pieces);
    }
    // The conditions are filled in in the text's order: SQLite's parameters are positional.
    return pieces.reduce((sql, piece, i) => (i === 0 ? piece : `${sql}${where(p)}${piece}`), '');
  }

  /** `cutsSql`'s text with a `WHERE` marker where each select's conditions go. */
  private cutsSkeleton(from: string, by: Record<string, CutColumn>, sums: string, total: boolean, keys: number): string {
    const pg = dialectOf(this.manager) === 'postgres';
    const cuts = Object.entries(by).map(([kind, c]) =>
      typeof c === 'string' ? { kind, groups: [c], selects: [pg ? `${c}::text` : c] } : { kind, groups: [c.group].flat(), selects: [c.select].flat() },
    );
    const width = Math.max(keys, ...cuts.map((c) => c.selects.length));
    const columns = (key: (m: number) => string) => Array.from({ length: width }, (_, m) => `${key(m)} AS k${m}`).join(', ');
    if (pg) {
      // GROUPING(a, b, …) has a bit per argument, the first the highest, set when that argument isn't grouped:
      // the rows of a cut's set read all bits set but those of its own columns.
      const all = cuts.flatMap((c) => c.groups);
      let offset = 0; // a cut's columns are the arguments offset … offset + its column count − 1
      const valued = cuts.map((c) => {
        const own = c.groups.reduce((bits, _, i) => bits | (1 << (all.length - 1 - (offset + i))), 0);
        offset += c.groups.length;
        return { ...c, value: ((1 << all.length) - 1) ^ own };
      });
      const grouping = `GROUPING(${all.join(', ')})`;
      const key = (m: number) => {
        const whens = valued.filter((c) => m < c.selects.length).map((c) => `WHEN ${c.value} THEN ${c.selects[m]}`);
        return whens.length ? `CASE ${grouping} ${whens.join(' ')} END` : 'NULL';
      };
      return `SELECT CASE ${grouping} ${valued.map((c) => `WHEN ${c.value} THEN '${c.kind}'`).join(' ')} ELSE 'total' END AS kind, ${columns(key)}, ${sums}
                FROM ${from} WHERE ${WHERE}
               GROUP BY GROUPING SETS (${cuts.map((c) => `(${c.groups.join(', ')})`).join(', ')}${total ? ', ()' : ''})`;
    }
    return [
      ...cuts.map((c) => `SELECT '${c.kind}' AS kind, ${columns((m) => c.selects[m] ?? 'NULL')}, ${sums} FROM ${from} WHERE ${WHERE} GROUP BY ${c.groups.join(', ')}`),
      ...(total ? [`SELECT 'total' AS kind, ${columns(() => 'NULL')}, ${sums} FROM ${from} WHERE ${WHERE}`] : []),
    ].join(' UNION ALL ');
  }

  /** Per UTC day: responses, promoters, detractors, unique visitors, approvals (days without any are left out). */
  async days(reach: Promise<ReachCuts>, feedback: Promise<FeedbackCuts>, approvals: Promise<ApprovalCuts>): Promise<DayRow[]> {
    const [reachCuts, feedbackCuts, approvalCuts] = await Promise.all([reach, feedback, approvals]);
    const rows = new Map<string, DayRow>();
    const row = (day: unknown) => {
      let r = rows.get(String(day));
      if (!r) rows.set(String(day), (r = { day: String(day), responses: 0, promoters: 0, detractors: 0, visitors: 0, approvals: 0 }));
      return r;
    };
    for (const f of feedbackCuts.day) Object.assign(row(f.key), { responses: f.responses, promoters: f.promoters, detractors: f.detractors });
    for (const r of reachCuts.day) row(r.key).visitors = r.uniqueVisitors;
    for (const [day, n] of approvalCuts.day) row(day).approvals = n;
    return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** Reach per share channel (links without a share are left out), with the shares that drew a human visit. */
  async byChannel(reach: Promise<ReachCuts>, shares: Promise<Map<string, number>>): Promise<{ channel: string; humanClicks: number; uniqueVisitors: number; botHits: number; shares: number }[]> {
    const [cuts, sharesOf] = await Promise.all([reach, shares]);
    return cuts.channel
      .filter((c) => c.key !== null)
      .map((c) => ({ channel: c.key!, humanClicks: c.humanClicks, uniqueVisitors: c.uniqueVisitors, botHits: c.botHits, shares: sharesOf.get(c.key!) ?? 0 }));
  }

  /** Approvals and visitors per campaign, with its name. */
  async byCampaign(reach: Promise<ReachCuts>, approvals: Promise<ApprovalCuts>): Promise<{ campaignId: string; name: string; approved: number; uniqueVisitors: number; humanClicks: number }[]> {
    const [cuts, approvalCuts] = await Promise.all([reach, approvals]);
    const reachOf = new Map(cuts.campaign.filter((c) => c.key !== null).map((c) => [c.key!, c]));
    const approvedOf = approvalCuts.campaign;
    const ids = [...new Set([...reachOf.keys(), ...approvedOf.keys()])];
    if (ids.length === 0) return [];
    const names = new Map((await this.rows((p) => `SELECT c.id, c.name FROM campaign c WHERE c.id ${p.inIds(ids)}`)).map((r) => [String(r.id), String(r.name)]));
    return ids
      .map((id) => ({ campaignId: id, name: names.get(id) ?? id, approved: approvedOf.get(id) ?? 0, uniqueVisitors: reachOf.get(id)?.uniqueVisitors ?? 0, humanClicks: reachOf.get(id)?.humanClicks ?? 0 }))
      .sort((x, y) => y.uniqueVisitors - x.uniqueVisitors || y.approved - x.approved || x.name.localeCompare(y.name));
  }

  /** Per location of the scope: responses, promoters, detractors, approvals (advocates) and visitors. */
  async byLocation(
    scope: ReportScope,
    reach: Promise<ReachCuts>,
    feedback: Promise<FeedbackCuts>,
    approvals: Promise<ApprovalCuts>,
  ): Promise<{ locationId: string; code: string; name: string; responses: number; promoters: number; detractors: number; advocates: number; uniqueVisitors: number }[]> {
    const [locations, reachCuts, feedbackCuts, approvalCuts] = await Promise.all([
      this.rows((p) => `SELECT l.id, l.code, l.name FROM location l ${scope.locationIds ? `WHERE l.id ${p.inIds(scope.locationIds)}` : ''}`),
      reach,
      feedback,
      approvals,
    ]);
    const f = new Map(feedbackCuts.location.map((c) => [c.key, c]));
    const v = new Map(reachCuts.location.map((c) => [c.key, c.uniqueVisitors]));
    const a = approvalCuts.location;
    return locations.map((l) => {
      const id = String(l.id);
      return {
        locationId: id,
        code: String(l.code),
        name: String(l.name),
        responses: f.get(id)?.responses ?? 0,
        promoters: f.get(id)?.promoters ?? 0,
        detractors: f.get(id)?.detractors ?? 0,
        advocates: a.get(id) ?? 0,
        uniqueVisitors: v.get(id) ?? 0,
      };
    });
  }

  /** Responses per touchpoint (null: the source didn't say), most first. */
  async byTouchpoint(feedback: Promise<FeedbackCuts>): Promise<{ touchpoint: string | null; responses: number; promoters: number; detractors: number }[]> {
    return (await feedback).touchpoint
      .map((c) => ({ touchpoint: c.key, responses: c.responses, promoters: c.promoters, detractors: c.detractors }))
      .sort((a, b) => b.responses - a.responses);
  }

  /**
   * Recommendations approved in the range that are still public (never withdrawn, hidden or erased), newest
   * first, with the visitors their links drew in the range.
   */
  async advocates(scope: ReportScope, range: DayRange, limit: number): Promise<AdvocateRow[]> {
    const rows = await this.rows((p) => {
      const [from, to] = [p.add(range.from), p.add(range.to)];
      return (
        // The newest `limit` first, then their visitors: the sums run for the rows shown, not for every approval in the range.
        `SELECT r.id, r.author_name, r.channels, r.approved_at, l.code, l.name,
                (SELECT sum(d.unique_visitors) FROM reach_daily d WHERE d.recommendation_id = r.id AND d.day >= ${from} AND d.day <= ${to}) AS visitors
           FROM (SELECT r.id, r.author_name, r.channels, r.approved_at, r.location_id FROM recommendation r
                  WHERE r.approved_at >= ${p.time(start(range.from))} AND r.approved_at < ${p.time(nextDay(range.to))}
                    AND r.withdrawn_at IS NULL AND r.hidden_at IS NULL AND r.erased_at IS NULL
                    ${this.locations(p, 'r.location_id', scope)} ${this.campaign(p, 'r.campaign_id', scope)}
                  ORDER BY r.approved_at DESC, r.id LIMIT ${Number(limit)}) r
           JOIN location l ON l.id = r.location_id
          ORDER BY r.approved_at DESC, r.id`
      );
    }, scope);
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
  async rewardCodes(scope: ReportScope, range: DayRange): Promise<Omit<RewardFigures, 'optedIn'>> {
    const [from, to] = [start(range.from), nextDay(range.to)];
    const [codes] = await this.rows((p) => {
      const between = (column: string) => `${column} >= ${p.time(from)} AND ${column} < ${p.time(to)}`;
      return `SELECT sum(CASE WHEN ${between('c.issued_at')} THEN 1 ELSE 0 END) AS issued,
                     sum(CASE WHEN ${between('c.redeemed_at')} THEN 1 ELSE 0 END) AS redeemed,
                     sum(CASE WHEN ${between('c.voided_at')} AND c.status = 'voided' THEN 1 ELSE 0 END) AS voided
                FROM reward_code c JOIN reward_offer o ON o.id = c.offer_id
               WHERE c.status <> 'available' ${this.locations(p, 'c.location_id', scope)} ${this.campaign(p, 'o.campaign_id', scope)}`;
    }, scope);
    return { issued: readCount(codes.issued), redeemed: readCount(codes.redeemed), voided: readCount(codes.voided) };
  }
}

/** A column to cut by (returned as text), or what to group by (one or more columns together) and what to return for each (`k0`, `k1`, …). */
type CutColumn = string | { group: string | string[]; select: string | string[] };

/** A row of `cuts`: its kind and its grouping's key. */
type CutRow = Record<string, unknown> & { kind: string; k0: unknown };

/** A campaign or one location: reads small enough that planning them is a large share. */
const narrow = (scope: ReportScope) => scope.campaignId !== undefined || scope.locationIds?.length === 1;
/** Whether a scope's reach is read per link, from `reach_daily`: a campaign's (only that rollup knows campaigns). */
const perLink = (scope: ReportScope) => scope.campaignId !== undefined;

const keyOf = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** The rows' figures added up per value of `column` (null included, as its own key). */
function addUp(rows: Record<string, unknown>[], column: string, figures: (r: Record<string, unknown>) => ReachFigures): ReachCut[] {
  const byKey = new Map<string | null, ReachCut>();
  for (const r of rows) {
    const key = keyOf(r[column]);
    const f = figures(r);
    const cut = byKey.get(key);
    if (!cut) byKey.set(key, { key, ...f });
    else {
      cut.humanClicks += f.humanClicks;
      cut.uniqueVisitors += f.uniqueVisitors;
      cut.botHits += f.botHits;
    }
  }
  return [...byKey.values()];
}

/** The whole calendar months inside a range (`YYYY-MM`, inclusive; none if it holds none) and the days outside them. */
export function wholeMonths(range: DayRange): { months?: { from: string; to: string; firstDay: string; lastDay: string }; days: DayRange[] } {
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const to = Date.parse(`${range.to}T00:00:00Z`);
  const f = new Date(from);
  // The first day of the first whole month, and the first day of the month after the last whole one.
  const first = f.getUTCDate() === 1 ? from : Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 1);
  const t = new Date(to + DAY_MS);
  const end = t.getUTCDate() === 1 ? to + DAY_MS : Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
  if (first >= end) return { days: [range] };
  const days: DayRange[] = [];
  if (from < first) days.push({ from: range.from, to: utcDay(first - DAY_MS) });
  if (end <= to) days.push({ from: utcDay(end), to: range.to });
  const [firstDay, lastDay] = [utcDay(first), utcDay(end - DAY_MS)];
  return { months: { from: firstDay.slice(0, 7), to: lastDay.slice(0, 7), firstDay, lastDay }, days };
}
