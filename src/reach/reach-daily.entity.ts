import { Column, Entity, Index, PrimaryColumn, ViewEntity } from 'typeorm';

/**
 * Daily reach of one tracked link, kept up to date in the same transaction that writes its click events
 * (`ClicksRepository.insertMany`) and recomputable from them (`reach:rebuild`). Reports read this, never the
 * raw events. Unique visitors are per link per day (the salt changes daily): longer ranges sum the days.
 *
 * Held in two tables, read as one (the view `reach_daily`, below): the days still being counted (today and
 * yesterday) in `reach_daily_live`, which every batch of clicks updates, and the closed days in
 * `reach_daily_closed`, which the daily fold (`ReachFold`) fills once and which is then only read. On
 * PostgreSQL an update writes a new entry into every index that holds the counts (the covering indexes
 * reports read), so a table updated all day bloats its indexes; this way only the small live table does,
 * and vacuuming it is cheap. SQLite updates in place: there the writer adds to the closed table and the view
 * reads only that (see `rollupUpserts`).
 */
abstract class LinkDayReach {
  /** `YYYY-MM-DD`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @PrimaryColumn({ name: 'link_id', type: 'uuid' })
  linkId: string;

  /** Copied from the link, so that reports group without joining. */
  @Column({ name: 'location_id', type: 'uuid', nullable: true })
  locationId: string | null;

  @Column({ name: 'share_id', type: 'uuid', nullable: true })
  shareId: string | null;

  /** Channel, campaign and recommendation of the link's share (null for a link without one), copied likewise. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  channel: string | null;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ name: 'recommendation_id', type: 'uuid', nullable: true })
  recommendationId: string | null;

  @Column({ name: 'human_clicks', type: 'integer', default: 0 })
  humanClicks: number;

  @Column({ name: 'unique_visitors', type: 'integer', default: 0 })
  uniqueVisitors: number;

  @Column({ name: 'bot_hits', type: 'integer', default: 0 })
  botHits: number;
}

/** Closed days: written by the fold and by `reach:rebuild`, never updated per click. */
@Entity('reach_daily_closed')
// Covering (location, day), (campaign, day) and (recommendation, day) indexes, made by migration: TypeORM doesn't model INCLUDE columns.
@Index('ix_reach_daily_location_cover', { synchronize: false })
@Index('ix_reach_daily_campaign_cover', { synchronize: false })
@Index('ix_reach_daily_recommendation_cover', { synchronize: false })
@Index('ix_reach_daily_share', ['shareId'])
@Index('ix_reach_daily_day', ['day'])
export class ReachDailyClosed extends LinkDayReach {}

/** Days still being counted: every batch of clicks adds to these rows. The same indexes, on a few days' rows. */
@Entity('reach_daily_live')
@Index('ix_reach_daily_live_location_cover', { synchronize: false })
@Index('ix_reach_daily_live_campaign_cover', { synchronize: false })
@Index('ix_reach_daily_live_recommendation_cover', { synchronize: false })
@Index('ix_reach_daily_live_share', ['shareId'])
export class ReachDailyLive extends LinkDayReach {}

/**
 * What reports read: both tables, a view made by migration (`UNION ALL`; PostgreSQL pushes each filter into
 * both sides and reads each through its own indexes; on SQLite, the closed table alone). A link-day can have a row on each side for a while (a
 * late click after its day was folded), so readers add rows up rather than expect one per link and day.
 */
@ViewEntity({ name: 'reach_daily', synchronize: false })
export class ReachDaily extends LinkDayReach {}

/** Daily reach per location: `reach_daily` added up over the location's links, held the same two ways. */
abstract class LocationDayReach {
  @PrimaryColumn({ name: 'location_id', type: 'uuid' })
  locationId: string;

  /** `YYYY-MM-DD`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @Column({ name: 'human_clicks', type: 'integer', default: 0 })
  humanClicks: number;

  @Column({ name: 'unique_visitors', type: 'integer', default: 0 })
  uniqueVisitors: number;

  @Column({ name: 'bot_hits', type: 'integer', default: 0 })
  botHits: number;
}

/**
 * A report scoped to locations (and no campaign) reads its totals and its per-day and per-location figures
 * from the view `reach_location_daily`: one row per location and day instead of one per link and day.
 */
@Entity('reach_location_daily_closed')
@Index('ix_reach_location_daily_day', ['day'])
// Covering (location, day) index, made by migration (INCLUDE columns): reports read it index-only.
@Index('ix_reach_location_daily_cover', { synchronize: false })
export class ReachLocationDailyClosed extends LocationDayReach {}

@Entity('reach_location_daily_live')
@Index('ix_reach_location_daily_live_cover', { synchronize: false })
export class ReachLocationDailyLive extends LocationDayReach {}

@ViewEntity({ name: 'reach_location_daily', synchronize: false })
export class ReachLocationDaily extends LocationDayReach {}

/**
 * Monthly reach per location, share channel and campaign (`''` where a link has none): `reach_daily` added up
 * likewise. A year-long report's channel and campaign cuts read its whole months here and only the days at
 * either end in `reach_daily` (about twenty rows a location-month instead of one per link and day).
 */
@Entity('reach_location_monthly')
@Index('ix_reach_location_monthly_cover', { synchronize: false })
export class ReachLocationMonthly {
  @PrimaryColumn({ name: 'location_id', type: 'uuid' })
  locationId: string;

  /** `YYYY-MM`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 7 })
  month: string;

  @PrimaryColumn({ type: 'varchar', length: 16, default: '' })
  channel: string;

  /** Text, not uuid: `''` stands for links without a campaign (a primary key column can't be null). */
  @PrimaryColumn({ name: 'campaign_id', type: 'varchar', length: 36, default: '' })
  campaignId: string;

  @Column({ name: 'human_clicks', type: 'integer', default: 0 })
  humanClicks: number;

  @Column({ name: 'unique_visitors', type: 'integer', default: 0 })
  uniqueVisitors: number;

  @Column({ name: 'bot_hits', type: 'integer', default: 0 })
  botHits: number;
}

/** The visitors already counted for a link and day: what makes `unique_visitors` exact when kept incrementally. */
@Entity('reach_visitor_day')
export class ReachVisitorDay {
  @PrimaryColumn({ name: 'link_id', type: 'uuid' })
  linkId: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @PrimaryColumn({ name: 'visitor_hash', type: 'varchar', length: 32 })
  visitorHash: string;
}
