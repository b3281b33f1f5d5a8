import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf, readCount, SqlParams } from '../database/sql';
import { MetricsService } from '../metrics/metrics.service';

/** Who a campaign may invite, judged on each customer's latest response. */
export interface EligibilityCriteria {
  campaignId: string;
  /** The campaign's locations; null: all. */
  locationIds: string[] | null;
  minScore: number;
  /** Latest response at or after this (now − look-back days). */
  respondedSince: Date;
  /** Start of the cap window (now − 30 days). */
  capSince: Date;
  cap: number;
}

/** Dry-run reasons, in the order they are checked: each excluded customer is counted once, under the first. */
export const EXCLUSION_REASONS = ['noEmail', 'noConsent', 'suppressed', 'overCap', 'alreadyInvited', 'outsideWindow'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
export type EligibilityOutcome = 'invite' | ExclusionReason;

export interface ReasonCount {
  locationId: string;
  outcome: EligibilityOutcome;
  count: number;
}

export interface Candidate {
  id: string;
  email: string;
  locationId: string;
}

export const MIN_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The eligibility read model: read-only, set-based queries over the customer table (customers module)
 * joined with the invitation and ledger tables (invitations module) and the suppression list
 * (preferences module). One query per page is the only way to fan out to 100,000 customers at speed;
 * asking each module's service row by row would not be. The one place these tables are joined for
 * eligibility (docs/ARCHITECTURE.md lists every read model). Never writes.
 */
@Injectable()
export class EligibilityReadModel {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Ids of customers eligible now at the given locations (a subset of the campaign's, e.g. those in
   * sending hours), in id order after `afterId`: promoter ≥ minScore, an address, consent, in the window, not
   * suppressed (by linked entry), under the cap, not invited to this campaign.
   */
  async findEligiblePromoters(c: EligibilityCriteria, locationIds: string[], afterId: string, limit: number): Promise<string[]> {
    if (locationIds.length === 0 || c.cap <= 0) return [];
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const where = [
      ...this.scope(p, { ...c, locationIds }),
      `c.email IS NOT NULL`,
      `c.marketing_consent = ${p.true}`,
      `c.latest_responded_at >= ${p.time(c.respondedSince)}`,
      `c.id > ${p.add(afterId)}`,
      `NOT EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = c.id)`,
      `NOT EXISTS (SELECT 1 FROM invitation i WHERE i.campaign_id = ${p.add(c.campaignId)} AND i.customer_id = c.id)`,
      `(SELECT count(*) FROM marketing_message m WHERE m.customer_id = c.id AND m.counted_at > ${p.time(c.capSince)}) < ${p.add(c.cap)}`,
    ];
    const rows: { id: string }[] = await this.dataSource.manager.query(
      `SELECT c.id FROM customer c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${Number(limit)}`,
      p.values,
    );
    return rows.map((row) => row.id);
  }

  /**
   * Of these customers, those still eligible apart from the cap and earlier invitations (which the
   * caller checks under its lock): read in the caller's transaction, right before they are invited.
   */
  async recheck(manager: EntityManager, c: EligibilityCriteria, customerIds: string[]): Promise<Candidate[]> {
    if (customerIds.length === 0) return [];
    const p = new SqlParams(dialectOf(manager));
    const where = [
      `c.id ${p.inIds(customerIds)}`,
      ...this.scope(p, c),
      `c.email IS NOT NULL`,
      `c.marketing_consent = ${p.true}`,
      `c.latest_responded_at >= ${p.time(c.respondedSince)}`,
      `NOT EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = c.id)`,
    ];
    const rows: { id: string; email: string; latest_location_id: string }[] = await manager.query(
      `SELECT c.id, c.email, c.latest_location_id FROM customer c WHERE ${where.join(' AND ')} ORDER BY c.id`,
      p.values,
    );
    return rows.map((row) => ({ id: row.id, email: row.email, locationId: row.latest_location_id }));
  }

  /**
   * Dry run: customers in scope per location and outcome (invite, or the first exclusion reason).
   * `alsoSuppressed`: customers found on the list by HMAC whose entry isn't linked to them (yet).
   */
  async countByOutcome(c: EligibilityCriteria, alsoSuppressed: readonly string[] = []): Promise<ReasonCount[]> {
    this.metrics.eligibilityAggregations.inc();
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const rows: { location_id: string; outcome: EligibilityOutcome; n: unknown }[] = await this.dataSource.manager.query(this.outcomes(p, c, alsoSuppressed), p.values);
    return rows.map((row) => ({ locationId: row.location_id, outcome: row.outcome, count: readCount(row.n) }));
  }

  /**
   * Per location: customers who would be invited now, and the campaign's invitations (not cancelled), in one
   * statement, so both come from one snapshot: an invitation made meanwhile is in both or in neither, and the
   * campaign page's "eligible" (invited + would be invited) can't dip while a launch is inviting.
   */
  async invitableAndInvited(c: EligibilityCriteria): Promise<{ wouldInvite: Map<string, number>; invited: Map<string, number> }> {
    this.metrics.eligibilityAggregations.inc();
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const outcomes = this.outcomes(p, c, []); // built first: SQLite's `?` placeholders follow the text's order
    const rows: { location_id: string; outcome: EligibilityOutcome | 'invited'; n: unknown }[] = await this.dataSource.manager.query(
      `${outcomes}
       UNION ALL
       SELECT i.location_id, 'invited' AS outcome, count(*) AS n FROM invitation i
        WHERE i.campaign_id = ${p.add(c.campaignId)} AND i.status <> 'cancelled' GROUP BY i.location_id`,
      p.values,
    );
    const wouldInvite = new Map<string, number>();
    const invited = new Map<string, number>();
    for (const row of rows) {
      const into = row.outcome === 'invite' ? wouldInvite : row.outcome === 'invited' ? invited : undefined;
      into?.set(row.location_id, (into.get(row.location_id) ?? 0) + readCount(row.n));
    }
    return { wouldInvite, invited };
  }

  /** Customers in scope per location and outcome (the first reason that excludes them, or `invite`). */
  private outcomes(p: SqlParams, c: EligibilityCriteria, alsoSuppressed: readonly string[]): string {
    const byHash = alsoSuppressed.length > 0 ? ` OR c.id ${p.inIds(alsoSuppressed)}` : '';
    const outcome = `CASE
        WHEN c.email IS NULL THEN 'noEmail'
        WHEN NOT (c.marketing_consent = ${p.true}) THEN 'noConsent'
        WHEN EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = c.id)${byHash} THEN 'suppressed'
        WHEN (SELECT count(*) FROM marketing_message m WHERE m.customer_id = c.id AND m.counted_at > ${p.time(c.capSince)}) >= ${p.add(c.cap)} THEN 'overCap'
        WHEN EXISTS (SELECT 1 FROM invitation i WHERE i.campaign_id = ${p.add(c.campaignId)} AND i.customer_id = c.id) THEN 'alreadyInvited'
        WHEN c.latest_responded_at < ${p.time(c.respondedSince)} THEN 'outsideWindow'
        ELSE 'invite' END`;
    return `SELECT location_id, outcome, count(*) AS n FROM (
         SELECT c.latest_location_id AS location_id, ${outcome} AS outcome FROM customer c WHERE ${this.scope(p, c).join(' AND ')}
       ) AS judged GROUP BY location_id, outcome`;
  }

  /**
   * Consenting customers in scope not suppressed by a linked entry, page by page (id, email): the
   * dry run checks them by HMAC when some suppression entries have lost their customer (erasure).
   */
  async consentingInScope(c: EligibilityCriteria, afterId: string, limit: number): Promise<Candidate[]> {
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const where = [
      ...this.scope(p, c),
      `c.email IS NOT NULL`,
      `c.marketing_consent = ${p.true}`,
      `c.id > ${p.add(afterId)}`,
      `NOT EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = c.id)`,
    ];
    const rows: { id: string; email: string; latest_location_id: string }[] = await this.dataSource.manager.query(
      `SELECT c.id, c.email, c.latest_location_id FROM customer c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${Number(limit)}`,
      p.values,
    );
    return rows.map((row) => ({ id: row.id, email: row.email, locationId: row.latest_location_id }));
  }

  /** The campaign's audience before any exclusion: promoters with at least minScore at its locations. */
  private scope(p: SqlParams, c: Pick<EligibilityCriteria, 'locationIds' | 'minScore'>): string[] {
    const where = [`c.latest_segment = 'promoter'`, `c.latest_score >= ${p.add(c.minScore)}`];
    if (c.locationIds) where.push(`c.latest_location_id ${p.inIds(c.locationIds)}`);
    return where;
  }
}
