import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TwitterApi } from 'twitter-api-v2';
import { DataSource, IsNull, LessThan, Or } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { SYSTEM_ACTOR } from '../../common/actor';
import { OutboxService } from '../../jobs';
import { XConnection } from './x-connection.entity';
import { XConnectionService } from './x-connection.service';
import { classifyXError, isXApiError, XAuthRevokedError } from './x-errors';
import { DELETE_X_POST_JOB, POST_TO_X_JOB } from './x-jobs';
import { XPostBudgetService } from './x-post-budget.service';
import { XPost } from './x-post.entity';
import { composeXStatus, hashText } from './x-status';
import { findPostCarryingLink } from './x-timeline';

/** Longer than one run can take (a few X calls of at most 20 s each). */
const LEASE_MS = 2 * 60_000;
/** A post still not made a day after it was queued (X rate-limiting us all along) is given up. */
const GIVE_UP_AFTER_MS = 24 * 3600_000;
/** X's reset time is in whole seconds: wait a little past it. */
const RESCHEDULE_MARGIN_MS = 1000;

export type PostToXOutcome =
  | { result: 'posted' | 'adopted' | 'withdrawn'; xPostId: string }
  | { result: 'failed'; reason: string }
  | { result: 'rescheduled'; at: Date }
  | { result: 'skipped' };

/**
 * Posts a queued x_post to X, at most once, whatever fails:
 *
 * 1. Nothing happens unless the post is still `queued`, its text still matches its hash, its connection
 *    is active, and this month's budget has a slot for it (taken before any call to X; a spent budget
 *    fails the post with reason `budget`, without calling X).
 * 2. `attempts` is incremented and committed before `POST /2/tweets`. So whenever it is above zero an
 *    earlier try may have posted (X answered, then the worker died or the connection dropped) and the
 *    account's recent posts are searched for the share's tracked link first; a match is adopted.
 * 3. X's answers: 401 → the token is refreshed once and the run repeats; 429 → the job re-adds itself
 *    through the outbox to run after `x-rate-limit-reset`; 403 duplicate content → adopted if the
 *    timeline has our post, else failed `duplicate_content`; other 4xx → failed, no retry; 5xx and
 *    network errors → thrown, so the job is retried with backoff (failed `x_unavailable` after the last).
 */
@Injectable()
export class PostToX {
  private readonly logger = new Logger('XSharing');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: XConnectionService,
    private readonly budget: XPostBudgetService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async execute(postId: string, options: { finalAttempt?: boolean } = {}): Promise<PostToXOutcome> {
    const post = await this.posts().findOneBy({ id: postId });
    if (!post || post.status !== 'queued') return { result: 'skipped' };
    if (!(await this.claim(post))) {
      // Another run holds it (or died holding it): come back when its lease ends.
      return this.reschedule(post, post.leaseUntil ?? new Date(Date.now() + LEASE_MS), 'busy');
    }
    try {
      return await this.attempt(post, options);
    } finally {
      await this.posts().update({ id: post.id }, { leaseUntil: null }).catch(() => undefined);
    }
  }

  private async attempt(post: XPost, options: { finalAttempt?: boolean }): Promise<PostToXOutcome> {
    if (!post.text || hashText(post.text) !== post.textHash) return this.fail(post, 'integrity', true);
    const connection = await this.connections.find(post.connectionId);
    if (!connection || connection.revokedAt) return this.fail(post, 'not_connected', true);
    if (!post.budgetMonth && !(await this.budget.reserve(post.id))) return this.fail(post, 'budget', false);

    try {
      return await this.connections.withUserClient(connection, (client) => this.postWith(client, post, connection));
    } catch (error) {
      return this.handleFailure(post, error, options);
    }
  }

  /** One try with a valid client; safe to repeat (withUserClient repeats it after a 401). */
  private async postWith(client: TwitterApi, post: XPost, connection: XConnection): Promise<PostToXOutcome> {
    const me = await client.v2.me({ 'user.fields': ['public_metrics'] });
    const followers = me.data.public_metrics?.followers_count ?? null;
    const findOurs = () => findPostCarryingLink(client, connection.xUserId, post.trackedUrl, post.createdAt);

    if (post.attempts > 0) {
      const existing = await findOurs();
      if (existing) return this.markPosted(post, existing, followers, true);
    }

    await this.posts().increment({ id: post.id }, 'attempts', 1);
    post.attempts += 1;
    try {
      const created = await client.v2.tweet(composeXStatus(post.text!, post.trackedUrl));
      return await this.markPosted(post, created.data.id, followers, false);
    } catch (error) {
      if (classifyXError(error).kind !== 'duplicate_content') throw error;
      const existing = await findOurs();
      if (existing) return this.markPosted(post, existing, followers, true);
      return this.fail(post, 'duplicate_content', true);
    }
  }

  private async handleFailure(post: XPost, error: unknown, options: { finalAttempt?: boolean }): Promise<PostToXOutcome> {
    if (error instanceof XAuthRevokedError) return this.fail(post, 'x_auth_revoked', true);
    const failure = classifyXError(error);
    switch (failure.kind) {
      case 'rate_limited':
        return this.reschedule(post, failure.resetAt, 'rate_limited');
      case 'unauthorized':
        return this.fail(post, 'x_unauthorized', true);
      case 'duplicate_content':
      case 'not_found':
        return this.fail(post, `x_rejected_${failure.kind === 'not_found' ? 404 : 403}`, true);
      case 'rejected':
        return this.fail(post, `x_rejected_${failure.status}`, true);
      case 'transient': {
        const reason = isXApiError(error) ? 'x_unavailable' : 'internal_error';
        // X may have posted (a 500 or a dropped answer): keep the budget slot; the next try searches first.
        if (options.finalAttempt) await this.fail(post, reason, false);
        else await this.posts().update({ id: post.id }, { lastError: reason });
        this.logger.warn({ msg: 'X post try failed', postId: post.id, reason, final: !!options.finalAttempt });
        throw error;
      }
    }
  }

  private async markPosted(post: XPost, xPostId: string, followers: number | null, adopted: boolean): Promise<PostToXOutcome> {
    const posted = await this.dataSource.transaction(async (manager) => {
      const changed = await manager.update(
        XPost,
        { id: post.id, status: 'queued' },
        { status: 'posted', xPostId, postedAt: new Date(), followerCount: followers, text: null, lastError: null },
      );
      if (!changed.affected) return false;
      await this.audit.record(
        SYSTEM_ACTOR,
        { action: 'x.post', subjectType: 'x_post', subjectId: post.id, details: { shareId: post.shareId, connectionId: post.connectionId, xPostId, adopted } },
        manager,
      );
      return true;
    });
    if (!posted) {
      // Withdrawn while we were posting: remember the X post and delete it (durably, with retries).
      await this.dataSource.transaction(async (manager) => {
        await manager.update(XPost, { id: post.id }, { xPostId, deletedAt: null });
        await this.outbox.add(manager, DELETE_X_POST_JOB, { shareId: post.shareId });
      });
      this.outbox.kick();
      this.logger.log({ msg: 'X post withdrawn while posting; deleting it', postId: post.id, xPostId });
      return { result: 'withdrawn', xPostId };
    }
    this.logger.log({ msg: adopted ? 'X post found from an earlier try' : 'posted to X', postId: post.id, shareId: post.shareId, xPostId });
    return { result: adopted ? 'adopted' : 'posted', xPostId };
  }

  private async fail(post: XPost, reason: string, releaseBudget: boolean): Promise<PostToXOutcome> {
    if (releaseBudget) await this.budget.release(post.id);
    await this.dataSource.transaction(async (manager) => {
      const changed = await manager.update(XPost, { id: post.id, status: 'queued' }, { status: 'failed', lastError: reason, text: null });
      if (!changed.affected) return;
      await this.audit.record(
        SYSTEM_ACTOR,
        { action: 'x.post_failed', subjectType: 'x_post', subjectId: post.id, details: { shareId: post.shareId, reason } },
        manager,
      );
    });
    this.logger.warn({ msg: 'X post failed', postId: post.id, shareId: post.shareId, reason });
    return { result: 'failed', reason };
  }

  private async reschedule(post: XPost, at: Date, why: 'rate_limited' | 'busy'): Promise<PostToXOutcome> {
    if (Date.now() - post.createdAt.getTime() > GIVE_UP_AFTER_MS) return this.fail(post, why === 'busy' ? 'stuck' : 'rate_limited', false);
    const delayMs = Math.max(at.getTime() - Date.now(), 0) + RESCHEDULE_MARGIN_MS;
    await this.dataSource.transaction(async (manager) => {
      if (why === 'rate_limited') await manager.update(XPost, { id: post.id }, { lastError: 'rate_limited' });
      await this.outbox.add(manager, POST_TO_X_JOB, { postId: post.id }, { delayMs });
    });
    this.outbox.kick();
    this.logger.log({ msg: 'X post rescheduled', postId: post.id, why, delayMs });
    return { result: 'rescheduled', at: new Date(Date.now() + delayMs) };
  }

  /** Takes the post's lease; false when another run holds an unexpired one. */
  private async claim(post: XPost): Promise<boolean> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    const claimed = await this.posts().update(
      { id: post.id, status: 'queued', leaseUntil: Or(IsNull(), LessThan(now)) },
      { leaseUntil },
    );
    if (claimed.affected) post.leaseUntil = leaseUntil;
    return !!claimed.affected;
  }

  private posts() {
    return this.dataSource.getRepository(XPost);
  }
}
