import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../../common/actor';
import { OutboxService } from '../../jobs';
import { XClientFactory } from './x-client.factory';
import { XConnection } from './x-connection.entity';
import { XConnectionService } from './x-connection.service';
import { classifyXError, XAuthRevokedError, XNotConfiguredError, XPostInvalidError } from './x-errors';
import { DELETE_X_POST_JOB, POST_TO_X_JOB } from './x-jobs';
import { XPost, XPostStatus } from './x-post.entity';
import { checkXStatus, composeXStatus, hashText } from './x-status';

export interface QueueXPost {
  shareId: string;
  /** The customer's active connection (the caller checks it is the share's customer's). */
  connectionId: string;
  /** The approved text exactly as approved (disclosure line included); the tracked link is appended. */
  text: string;
  /** The share's own tracked link, `PUBLIC_URL/r/<code>`: unique per share, it identifies the post on X. */
  trackedUrl: string;
}

export interface XPostView {
  id: string;
  shareId: string;
  status: XPostStatus;
  xPostId: string | null;
  /** Link to the post on X once posted. */
  xUrl: string | null;
  postedAt: Date | null;
  followerCount: number | null;
  lastError: string | null;
}

export type XDeleteOutcome = 'none' | 'cancelled' | 'deleted' | 'already_deleted' | 'auth_failed';

export interface XPostMetrics {
  postId: string;
  shareId: string;
  xPostId: string;
  impressions: number | null;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  bookmarks: number;
}

export interface XMetricsResult {
  metrics: XPostMetrics[];
  /** Posts X no longer has (deleted on X by the customer). */
  gone: string[];
  /** Posts whose account's tokens X refuses: no figures. */
  unavailable: string[];
}

/** X answers at most this many ids per lookup. */
const LOOKUP_BATCH = 100;

/**
 * "Post it for me on X" for the share module: queue a post in the caller's transaction, read its state,
 * delete it on withdrawal, and fetch public metrics for reach. The posting itself is `PostToX`.
 */
@Injectable()
export class XPostService {
  private readonly logger = new Logger('XSharing');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clients: XClientFactory,
    private readonly connections: XConnectionService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /** False when X_CLIENT_ID/X_CLIENT_SECRET are not set: show intent links only. */
  get enabled(): boolean {
    return this.clients.enabled;
  }

  /**
   * Adds the post and its job in the caller's transaction (`manager`); call `kick()` after the commit.
   * One post per share: queueing a share again returns the existing post (`created: false`).
   * Throws XNotConfiguredError, XPostInvalidError (too long by X's count, or empty), or an Error when
   * the connection is missing or revoked.
   */
  async queue(manager: EntityManager, input: QueueXPost): Promise<{ postId: string; created: boolean }> {
    if (!this.enabled) throw new XNotConfiguredError();
    const existing = await manager.findOneBy(XPost, { shareId: input.shareId });
    if (existing) return { postId: existing.id, created: false };
    if (input.text.trim() === '') throw new XPostInvalidError('empty');
    const check = checkXStatus(composeXStatus(input.text, input.trackedUrl));
    if (!check.valid) throw new XPostInvalidError(check.reason ?? 'invalid');
    const connection = await manager.findOneBy(XConnection, { id: input.connectionId, revokedAt: IsNull() });
    if (!connection) throw new Error(`X connection ${input.connectionId} is missing or revoked`);

    const post = manager.create(XPost, {
      shareId: input.shareId,
      connectionId: connection.id,
      status: 'queued',
      text: input.text,
      textHash: hashText(input.text),
      trackedUrl: input.trackedUrl,
      attempts: 0,
    });
    await manager.save(post);
    await this.outbox.add(manager, POST_TO_X_JOB, { postId: post.id });
    await this.audit.record(
      { type: 'customer', id: connection.customerId },
      { action: 'x.post_queued', subjectType: 'x_post', subjectId: post.id, details: { shareId: input.shareId, connectionId: connection.id } },
      manager,
    );
    return { postId: post.id, created: true };
  }

  /** After the caller's commit: hands queued jobs to the queue now rather than at the next outbox poll. */
  kick(): void {
    this.outbox.kick();
  }

  async findByShare(shareId: string): Promise<XPostView | null> {
    const post = await this.dataSource.getRepository(XPost).findOneBy({ shareId });
    return post ? toView(post) : null;
  }

  /** Withdrawal, durably: queues `delete(shareId)` in the caller's transaction (retried until X answers). */
  async queueDelete(manager: EntityManager, shareId: string): Promise<void> {
    await this.outbox.add(manager, DELETE_X_POST_JOB, { shareId });
  }

  /**
   * Makes sure no X post exists for the share: cancels a queued or failed post, deletes a posted one
   * (`DELETE /2/tweets/:id`; 404 counts as already gone). Idempotent. Throws on transient X errors
   * (call again later, or use `queueDelete`); answers `auth_failed` when X refuses the account's tokens.
   */
  async delete(shareId: string, actor: Actor = SYSTEM_ACTOR): Promise<XDeleteOutcome> {
    const { outcome, connectionId } = await this.deleteOnX(shareId, actor);
    // An erased customer's tokens are kept only until their posts are gone.
    if (connectionId) await this.connections.forgetTokensWhenDone(connectionId, { refused: outcome === 'auth_failed' });
    return outcome;
  }

  /** The outcome, and the post's X connection (none when the share has no post). */
  private async deleteOnX(shareId: string, actor: Actor): Promise<{ outcome: XDeleteOutcome; connectionId?: string }> {
    const repo = this.dataSource.getRepository(XPost);
    let post = await repo.findOneBy({ shareId });
    if (!post) return { outcome: 'none' };
    if (post.status === 'queued' || post.status === 'failed') {
      const cancelled = await this.dataSource.transaction(async (manager) => {
        const changed = await manager.update(
          XPost,
          { id: post!.id, status: In(['queued', 'failed']) },
          { status: 'deleted', text: null, deletedAt: new Date() },
        );
        if (changed.affected) await this.auditDelete(manager, actor, post!, 'cancelled');
        return !!changed.affected;
      });
      if (cancelled) return { outcome: 'cancelled', connectionId: post.connectionId };
      post = await repo.findOneByOrFail({ id: post.id }); // posted meanwhile
    }
    const connectionId = post.connectionId;
    if (!post.xPostId || post.deletedAt) return { outcome: 'already_deleted', connectionId };

    const connection = await this.connections.find(post.connectionId);
    if (!connection) return { outcome: 'auth_failed', connectionId };
    if (!this.enabled) throw new XNotConfiguredError();
    const xPostId = post.xPostId;
    try {
      await this.connections.withUserClient(connection, async (client) => {
        try {
          await client.v2.deleteTweet(xPostId);
        } catch (error) {
          if (classifyXError(error).kind !== 'not_found') throw error;
        }
      });
    } catch (error) {
      if (!(error instanceof XAuthRevokedError) && classifyXError(error).kind !== 'unauthorized') throw error;
      await repo.update({ id: post.id }, { lastError: 'delete_failed_auth' });
      this.logger.warn({ msg: 'X post could not be deleted: X refuses the tokens', postId: post.id, shareId });
      return { outcome: 'auth_failed', connectionId };
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(XPost, { id: post!.id }, { status: 'deleted', text: null, deletedAt: new Date(), lastError: null });
      await this.auditDelete(manager, actor, post!, 'deleted');
    });
    this.logger.log({ msg: 'X post deleted', postId: post.id, shareId, xPostId });
    return { outcome: 'deleted', connectionId };
  }

  /**
   * Public metrics of posted posts (ids of x_post rows), via `GET /2/tweets?ids=…&tweet.fields=public_metrics`
   * with each account's own token. Rate limits and transient errors are thrown (try again later).
   */
  async metrics(postIds: string[]): Promise<XMetricsResult> {
    const result: XMetricsResult = { metrics: [], gone: [], unavailable: [] };
    if (postIds.length === 0) return result;
    if (!this.enabled) throw new XNotConfiguredError();
    const posts = await this.dataSource.getRepository(XPost).findBy({ id: In(postIds), status: 'posted' });
    for (const [connectionId, group] of groupBy(posts.filter((post) => post.xPostId), (post) => post.connectionId)) {
      const connection = await this.connections.find(connectionId);
      for (let start = 0; start < group.length; start += LOOKUP_BATCH) {
        const batch = group.slice(start, start + LOOKUP_BATCH);
        try {
          if (!connection) throw new XAuthRevokedError(connectionId);
          const answer = await this.connections.withUserClient(connection, (client) =>
            client.v2.tweets(batch.map((post) => post.xPostId!), { 'tweet.fields': ['public_metrics'] }),
          );
          const byXId = new Map((answer.data ?? []).map((tweet) => [tweet.id, tweet]));
          for (const post of batch) {
            const tweet = byXId.get(post.xPostId!);
            if (!tweet) {
              result.gone.push(post.id);
              continue;
            }
            const m = tweet.public_metrics;
            result.metrics.push({
              postId: post.id,
              shareId: post.shareId,
              xPostId: tweet.id,
              impressions: m?.impression_count ?? null,
              likes: m?.like_count ?? 0,
              reposts: m?.retweet_count ?? 0,
              replies: m?.reply_count ?? 0,
              quotes: m?.quote_count ?? 0,
              bookmarks: m?.bookmark_count ?? 0,
            });
          }
        } catch (error) {
          if (!(error instanceof XAuthRevokedError) && classifyXError(error).kind !== 'unauthorized') throw error;
          result.unavailable.push(...batch.map((post) => post.id));
        }
      }
    }
    return result;
  }

  private async auditDelete(manager: EntityManager, actor: Actor, post: XPost, how: 'cancelled' | 'deleted'): Promise<void> {
    await this.audit.record(
      actor,
      {
        action: how === 'deleted' ? 'x.delete' : 'x.cancel',
        subjectType: 'x_post',
        subjectId: post.id,
        details: { shareId: post.shareId, xPostId: post.xPostId },
      },
      manager,
    );
  }
}

function toView(post: XPost): XPostView {
  return {
    id: post.id,
    shareId: post.shareId,
    status: post.status,
    xPostId: post.xPostId,
    xUrl: post.xPostId && post.status === 'posted' ? `https://x.com/i/web/status/${post.xPostId}` : null,
    postedAt: post.postedAt,
    followerCount: post.followerCount,
    lastError: post.lastError,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
