import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Between, DataSource, In, IsNull, LessThan, MoreThan, Not } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { JobQueue } from '../../jobs';
import { XClientFactory } from './x-client.factory';
import { classifyXError } from './x-errors';
import { X_METRICS_JOB } from './x-jobs';
import { budgetMonth } from './x-post-budget.service';
import { XMetricsMilestone, XPostMetricsSnapshot } from './x-post-metrics.entity';
import { XPost } from './x-post.entity';
import { XReadBudget } from './x-read-budget.entity';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** When each snapshot is due, after posting. */
export const X_METRICS_MILESTONES: readonly { name: XMetricsMilestone; afterMs: number }[] = [
  { name: '1h', afterMs: HOUR_MS },
  { name: '1d', afterMs: DAY_MS },
  { name: '7d', afterMs: 7 * DAY_MS },
  { name: '30d', afterMs: 30 * DAY_MS },
];
/** A 30-day read that could not happen on time (job down, budget spent) is still tried for this long. */
const LAST_READ_GRACE_MS = 7 * DAY_MS;
/** Longer than one run's batch takes (one X call of at most 20 s and a few writes). */
const LEASE_MS = 5 * 60_000;
/** X answers at most this many ids per lookup. */
const LOOKUP_BATCH = 100;
/** X's reset time is in whole seconds: come back a little past it. */
const RESCHEDULE_MARGIN_MS = 1000;

export type XMetricsRun =
  | { outcome: 'no_token' }
  | { outcome: 'rate_limited'; until: Date }
  | { outcome: 'done'; read: number; gone: number; skipped: number; budgetSpent: boolean };

type SnapshotValues = Pick<XPostMetricsSnapshot, 'id' | 'postId' | 'shareId' | 'milestone' | 'dueAt' | 'followerCount' | 'state'> &
  Partial<Pick<XPostMetricsSnapshot, 'claimToken' | 'leaseUntil'>>;

interface Claimed {
  row: XPostMetricsSnapshot;
  xPostId: string;
  followerCount: number | null;
  /** Impressions at the post's latest earlier read. */
  previousImpressions: number;
}

/** One post's X figures for one UTC day, for reach reports. */
export interface XDailyFigures {
  day: string;
  postId: string;
  shareId: string;
  /** Impressions added since the post's previous read, counted on the day they were read. */
  impressions: number;
  /** The account's followers at posting, counted on the day the post was made (0 on other days). */
  estimatedAudience: number;
}

/** A share's X post's latest figures (cumulative since posting). */
export interface XLatestFigures {
  shareId: string;
  postId: string;
  milestone: XMetricsMilestone;
  readAt: Date;
  impressions: number | null;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  bookmarks: number;
  estimatedAudience: number | null;
}

/**
 * Reads the public metrics of posts made through Goodword at 1 hour, 1 day, 7 days and 30 days after
 * posting, then never again, with our app-only bearer token (X_BEARER_TOKEN) in lookups of up to 100 ids.
 *
 * - One snapshot per post and milestone: each run claims the rows it will read (insert, unique per post and
 *   milestone, with a lease), so a rerun or a second worker reads and stores nothing twice. A milestone
 *   missed altogether (the job was down) is marked `skipped` and only the latest due one is read.
 * - X bills each post a read returns: reads are reserved against X_MONTHLY_READ_BUDGET before the call and
 *   posts X did not return are given back. A spent budget leaves the rest unread (and unclaimed).
 * - 429: nothing is read until `x-rate-limit-reset` (kept in x_read_budget, so every worker waits); the job
 *   is queued again for then.
 */
@Injectable()
export class XMetricsService {
  private readonly logger = new Logger('XMetrics');
  private saidNoToken = false;
  private saidBudgetSpent = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clients: XClientFactory,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  get enabled(): boolean {
    return this.clients.canReadMetrics;
  }

  /** One pass: reads every due milestone (within the budget). `now` is the clock (tests move it). */
  async run(now = new Date()): Promise<XMetricsRun> {
    if (!this.enabled) {
      if (!this.saidNoToken) this.logger.log({ msg: 'X_BEARER_TOKEN is not set: X post metrics are not read' });
      this.saidNoToken = true;
      return { outcome: 'no_token' };
    }
    const month = budgetMonth(now);
    const budgets = this.dataSource.getRepository(XReadBudget);
    await budgets.createQueryBuilder().insert().values({ month, used: 0 }).orIgnore().execute();
    // Any month's row: a 429 just before midnight on the last day still holds after it.
    const paused = await budgets.findOneBy({ rateLimitedUntil: MoreThan(now) });
    if (paused?.rateLimitedUntil) return { outcome: 'rate_limited', until: paused.rateLimitedUntil };

    const token = randomUUID();
    const { claimed, skipped } = await this.claimDue(now, token);
    const result = { outcome: 'done' as const, read: 0, gone: 0, skipped, budgetSpent: false };
    for (let start = 0; start < claimed.length; start += LOOKUP_BATCH) {
      const batch = claimed.slice(start, start + LOOKUP_BATCH);
      const allowed = await this.reserve(month, batch.length);
      if (allowed < batch.length) {
        result.budgetSpent = true;
        await this.unclaim(token, claimed.slice(start + allowed));
        if (!this.saidBudgetSpent.has(month)) {
          this.logger.warn({ msg: 'X read budget spent: post metrics wait for next month', month, budget: this.config.xMonthlyReadBudget });
          this.saidBudgetSpent.add(month);
        }
      }
      if (allowed === 0) break;
      const reading = batch.slice(0, allowed);
      let returned: Map<string, { public_metrics?: Record<string, number> }>;
      try {
        const answer = await this.clients.bearerClient().v2.tweets(
          reading.map((item) => item.xPostId),
          { 'tweet.fields': ['public_metrics'] },
        );
        returned = new Map((answer.data ?? []).map((tweet) => [tweet.id, tweet as { public_metrics?: Record<string, number> }]));
      } catch (error) {
        // X bills only answers with data: nothing was read.
        await this.refund(month, allowed);
        await this.unclaim(token, claimed.slice(start));
        const failure = classifyXError(error, now.getTime());
        if (failure.kind !== 'rate_limited') throw error;
        return this.pause(month, failure.resetAt);
      }
      await this.refund(month, allowed - reading.filter((item) => returned.has(item.xPostId)).length);
      for (const item of reading) {
        const tweet = returned.get(item.xPostId);
        if (tweet) result.read++;
        else result.gone++;
        await this.store(item, tweet?.public_metrics, token, now);
      }
    }
    if (result.read + result.gone + result.skipped > 0) this.logger.log({ msg: 'X post metrics read', ...result });
    return result;
  }

  /** Reads of this month so far and the budget. */
  async usage(now = new Date()): Promise<{ month: string; used: number; budget: number }> {
    const month = budgetMonth(now);
    const row = await this.dataSource.getRepository(XReadBudget).findOneBy({ month });
    return { month, used: row?.used ?? 0, budget: this.config.xMonthlyReadBudget };
  }

  /**
   * Reports: per post and UTC day from `from` to `to` (`YYYY-MM-DD`, inclusive), the impressions read that
   * day (gains since the previous read) and the estimated audience on the day of posting. Optionally only
   * for some shares. Days without either are left out.
   */
  async daily(from: string, to: string, shareIds?: string[]): Promise<XDailyFigures[]> {
    if (shareIds && shareIds.length === 0) return [];
    const shareFilter = shareIds ? { shareId: In(shareIds) } : {};
    const reads = await this.dataSource.getRepository(XPostMetricsSnapshot).findBy({
      state: 'read',
      day: Between(from, to),
      ...shareFilter,
    });
    const posts = await this.dataSource.getRepository(XPost).findBy({
      postedAt: Between(new Date(`${from}T00:00:00.000Z`), new Date(new Date(`${to}T00:00:00.000Z`).getTime() + DAY_MS - 1)),
      xPostId: Not(IsNull()),
      ...shareFilter,
    });
    const rows = new Map<string, XDailyFigures>();
    const row = (day: string, postId: string, shareId: string) => {
      const key = `${day}|${postId}`;
      let entry = rows.get(key);
      if (!entry) rows.set(key, (entry = { day, postId, shareId, impressions: 0, estimatedAudience: 0 }));
      return entry;
    };
    for (const read of reads) row(read.day!, read.postId, read.shareId).impressions += read.impressionsGain ?? 0;
    for (const post of posts) row(post.postedAt!.toISOString().slice(0, 10), post.id, post.shareId).estimatedAudience += post.followerCount ?? 0;
    return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day) || a.postId.localeCompare(b.postId));
  }

  /** Reports: the latest figures read for each of these shares' X posts (shares without any are left out). */
  async latest(shareIds: string[]): Promise<XLatestFigures[]> {
    if (shareIds.length === 0) return [];
    const reads = await this.dataSource.getRepository(XPostMetricsSnapshot).findBy({ shareId: In(shareIds), state: 'read' });
    const latest = new Map<string, XPostMetricsSnapshot>();
    for (const read of reads) {
      const current = latest.get(read.shareId);
      if (!current || read.readAt! > current.readAt!) latest.set(read.shareId, read);
    }
    return [...latest.values()].map((read) => ({
      shareId: read.shareId,
      postId: read.postId,
      milestone: read.milestone,
      readAt: read.readAt!,
      impressions: read.impressions,
      likes: read.likes ?? 0,
      reposts: read.reposts ?? 0,
      replies: read.replies ?? 0,
      quotes: read.quotes ?? 0,
      bookmarks: read.bookmarks ?? 0,
      estimatedAudience: read.followerCount,
    }));
  }

  /**
   * Claims the latest due milestone of every post still being followed (inserting its row as `claimed`,
   * or taking over a claim whose lease ran out); earlier milestones that passed unread become `skipped`.
   */
  private async claimDue(now: Date, token: string): Promise<{ claimed: Claimed[]; skipped: number }> {
    const posts = await this.dataSource.getRepository(XPost).findBy({
      status: 'posted',
      xPostId: Not(IsNull()),
      postedAt: Between(new Date(now.getTime() - 30 * DAY_MS - LAST_READ_GRACE_MS), new Date(now.getTime() - HOUR_MS)),
    });
    if (posts.length === 0) return { claimed: [], skipped: 0 };
    const snapshots = this.dataSource.getRepository(XPostMetricsSnapshot);
    const existing = new Map<string, XPostMetricsSnapshot[]>();
    for (let i = 0; i < posts.length; i += 500) {
      for (const row of await snapshots.findBy({ postId: In(posts.slice(i, i + 500).map((p) => p.id)) })) {
        existing.set(row.postId, [...(existing.get(row.postId) ?? []), row]);
      }
    }

    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    const inserts: SnapshotValues[] = [];
    const takeovers: string[] = [];
    let skipped = 0;
    const byPost = new Map<string, { post: XPost; previousImpressions: number }>();
    for (const post of posts) {
      const rows = existing.get(post.id) ?? [];
      if (rows.some((r) => r.state === 'gone')) continue;
      const due = X_METRICS_MILESTONES.filter((m) => post.postedAt!.getTime() + m.afterMs <= now.getTime());
      const target = due[due.length - 1];
      const has = (name: XMetricsMilestone) => rows.find((r) => r.milestone === name);
      const current = has(target.name);
      if (current && !(current.state === 'claimed' && current.leaseUntil && current.leaseUntil < now)) continue;
      for (const m of due.slice(0, -1)) {
        if (has(m.name)) continue;
        inserts.push({ ...this.base(post, m), state: 'skipped' });
        skipped++;
      }
      if (current) takeovers.push(current.id);
      else inserts.push({ ...this.base(post, target), state: 'claimed', claimToken: token, leaseUntil });
      const previousImpressions = Math.max(0, ...rows.filter((r) => r.state === 'read').map((r) => r.impressions ?? 0));
      byPost.set(post.id, { post, previousImpressions });
    }
    for (let i = 0; i < inserts.length; i += 200) {
      await snapshots.createQueryBuilder().insert().values(inserts.slice(i, i + 200)).orIgnore().execute();
    }
    for (let i = 0; i < takeovers.length; i += 500) {
      await snapshots.update(
        { id: In(takeovers.slice(i, i + 500)), state: 'claimed', leaseUntil: LessThan(now) },
        { claimToken: token, leaseUntil },
      );
    }
    const mine = await snapshots.findBy({ claimToken: token, state: 'claimed' });
    const claimed = mine
      .filter((row) => byPost.has(row.postId))
      .map((row) => {
        const { post, previousImpressions } = byPost.get(row.postId)!;
        return { row, xPostId: post.xPostId!, followerCount: post.followerCount, previousImpressions };
      });
    return { claimed, skipped };
  }

  private base(post: XPost, milestone: { name: XMetricsMilestone; afterMs: number }): Omit<SnapshotValues, 'state'> {
    return {
      id: randomUUID(),
      postId: post.id,
      shareId: post.shareId,
      milestone: milestone.name,
      dueAt: new Date(post.postedAt!.getTime() + milestone.afterMs),
      followerCount: post.followerCount,
    };
  }

  private async store(item: Claimed, metrics: Record<string, number> | undefined, token: string, now: Date): Promise<void> {
    const settled = { claimToken: null, leaseUntil: null, readAt: now, day: now.toISOString().slice(0, 10) };
    const figures = metrics
      ? {
          state: 'read' as const,
          impressions: metrics.impression_count ?? null,
          impressionsGain: metrics.impression_count === undefined ? null : Math.max(0, metrics.impression_count - item.previousImpressions),
          likes: metrics.like_count ?? 0,
          reposts: metrics.retweet_count ?? 0,
          replies: metrics.reply_count ?? 0,
          quotes: metrics.quote_count ?? 0,
          bookmarks: metrics.bookmark_count ?? 0,
        }
      : { state: 'gone' as const };
    await this.dataSource.getRepository(XPostMetricsSnapshot).update({ id: item.row.id, claimToken: token }, { ...settled, ...figures });
  }

  /** Gives claims back unread (their rows go, so the next run claims them again). */
  private async unclaim(token: string, items: Claimed[]): Promise<void> {
    for (let i = 0; i < items.length; i += 500) {
      await this.dataSource.getRepository(XPostMetricsSnapshot).delete({
        id: In(items.slice(i, i + 500).map((item) => item.row.id)),
        claimToken: token,
        state: 'claimed',
      });
    }
  }

  /** Takes up to `wanted` reads of the month's budget; returns how many it got. */
  private async reserve(month: string, wanted: number): Promise<number> {
    const limit = this.config.xMonthlyReadBudget;
    const budgets = this.dataSource.getRepository(XReadBudget);
    for (let tries = 0; tries < 10; tries++) {
      const row = await budgets.findOneByOrFail({ month });
      const take = Math.min(wanted, limit - row.used);
      if (take <= 0) return 0;
      const taken = await budgets
        .createQueryBuilder()
        .update()
        .set({ used: () => `used + ${take}` })
        .where('month = :month AND used + :take <= :limit', { month, take, limit })
        .execute();
      if (taken.affected) return take;
    }
    return 0;
  }

  private async refund(month: string, count: number): Promise<void> {
    if (count <= 0) return;
    await this.dataSource
      .getRepository(XReadBudget)
      .createQueryBuilder()
      .update()
      .set({ used: () => `used - ${count}` })
      .where('month = :month AND used >= :count', { month, count })
      .execute();
  }

  private async pause(month: string, until: Date): Promise<XMetricsRun> {
    await this.dataSource.getRepository(XReadBudget).update({ month }, { rateLimitedUntil: until });
    const delayMs = Math.max(until.getTime() - Date.now(), 0) + RESCHEDULE_MARGIN_MS;
    await this.jobs.enqueue(X_METRICS_JOB, { slot: `after-${until.getTime()}` }, { jobId: `x-metrics-after-${until.getTime()}`, delayMs });
    this.logger.warn({ msg: 'X rate-limited the metrics reads: waiting for the reset', until: until.toISOString() });
    return { outcome: 'rate_limited', until };
  }
}
