import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, EntitySubscriberInterface, In, IsNull, Not, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { TrackedLink } from './tracked-link.entity';

export interface ResolvedLink {
  id: string;
  targetPath: string;
  disabled: boolean;
}

/** 9 random bytes → 12 URL-safe characters: short to type, 72 bits to guess. */
const CODE_BYTES = 9;
export const CODE_PATTERN = /^[A-Za-z0-9_-]{12}$/;
/** Resolved codes are cached briefly: the redirect is the hottest path, and links rarely change. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 20_000;

/**
 * A disabled or re-enabled link must answer its new status at once after the change commits, in every API
 * process: the cache is cleared after the commit (not before, when a concurrent lookup could cache the old
 * row again), and with Redis every other process is told through pub/sub to clear its cache too. A lookup
 * that started before a clear doesn't cache its (possibly old) answer.
 */
@Injectable()
export class TrackedLinksService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TrackedLinksService.name);
  private readonly cache = new Map<string, { link: ResolvedLink | null; at: number }>();
  /** Bumped by every clear: a lookup caches its answer only if no clear happened while it read. */
  private generation = 0;
  /** Transactions that changed links: the caches are cleared when they end. */
  private readonly changedIn = new WeakSet<QueryRunner>();
  private readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.channel = `${config.queuePrefix}:reach:links-changed`;
  }

  async onModuleInit() {
    const afterTransaction = (runner: QueryRunner) => {
      if (runner.isTransactionActive || !this.changedIn.has(runner)) return;
      this.changedIn.delete(runner);
      return this.invalidate();
    };
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (event: TransactionCommitEvent) => afterTransaction(event.queryRunner),
      // Rolled back: nothing changed, but clearing is harmless.
      afterTransactionRollback: (event: TransactionRollbackEvent) => afterTransaction(event.queryRunner),
    };
    this.dataSource.subscribers.push(subscriber);
    if (this.config.redisUrl && this.config.runsApi) {
      this.subscriber = new Redis(this.config.redisUrl, { connectionName: 'goodword-links-changed' });
      this.subscriber.on('error', (err) => this.logger.warn({ msg: 'Redis (link changes) error', err: err.message }));
      this.subscriber.on('message', () => this.clear());
      // After a reconnect, a change published while disconnected may have been missed.
      this.subscriber.on('ready', () => this.clear());
      await this.subscriber.subscribe(this.channel);
    }
  }

  async onApplicationShutdown() {
    this.subscriber?.disconnect();
    await this.publisher?.quit().catch(() => undefined);
  }

  /** Creates a link to a local page, in the caller's transaction. */
  async create(
    manager: EntityManager,
    input: { targetPath: string; shareId?: string; locationId?: string; channel?: string; campaignId?: string; recommendationId?: string },
  ): Promise<TrackedLink> {
    if (!/^\/[^/\\]/.test(input.targetPath)) throw new Error('a tracked link must point to a local path');
    const repo = manager.getRepository(TrackedLink);
    return repo.save(
      repo.create({
        code: randomBytes(CODE_BYTES).toString('base64url'),
        targetPath: input.targetPath,
        shareId: input.shareId ?? null,
        locationId: input.locationId ?? null,
        channel: input.channel ?? null,
        campaignId: input.campaignId ?? null,
        recommendationId: input.recommendationId ?? null,
        disabledAt: null,
      }),
    );
  }

  /** The cached answer for a code, without waiting: undefined when it isn't cached (or is stale). */
  cached(code: string): ResolvedLink | null | undefined {
    const hit = this.cache.get(code);
    return hit && Date.now() - hit.at < CACHE_TTL_MS ? hit.link : undefined;
  }

  async resolve(code: string): Promise<ResolvedLink | null> {
    if (!CODE_PATTERN.test(code)) return null;
    const hit = this.cached(code);
    if (hit !== undefined) return hit;
    const now = Date.now();
    const generation = this.generation;
    const row = await this.dataSource.getRepository(TrackedLink).findOne({
      select: { id: true, targetPath: true, disabledAt: true },
      where: { code },
    });
    const link = row ? { id: row.id, targetPath: row.targetPath, disabled: row.disabledAt !== null } : null;
    if (generation !== this.generation) return link; // cleared meanwhile: this row may predate the change
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(code, { link, at: now });
    return link;
  }

  /** The links of these shares (read in the caller's transaction when given). */
  forShares(shareIds: string[], manager: EntityManager = this.dataSource.manager): Promise<TrackedLink[]> {
    if (shareIds.length === 0) return Promise.resolve([]);
    return manager.find(TrackedLink, { where: { shareId: In(shareIds) } });
  }

  /** Withdrawn or hidden: the shares' links answer 410 in every process as soon as the caller's transaction commits. */
  async disableForShares(manager: EntityManager, shareIds: string[]): Promise<void> {
    if (shareIds.length === 0) return;
    await manager.update(TrackedLink, { shareId: In(shareIds), disabledAt: IsNull() }, { disabledAt: new Date() });
    await this.invalidateAfterCommit(manager);
  }

  /** Shown again after being hidden: the shares' links redirect again. */
  async enableForShares(manager: EntityManager, shareIds: string[]): Promise<void> {
    if (shareIds.length === 0) return;
    await manager.update(TrackedLink, { shareId: In(shareIds), disabledAt: Not(IsNull()) }, { disabledAt: null });
    await this.invalidateAfterCommit(manager);
  }

  /** Clears the link caches of every process now (the change is committed). */
  async invalidate(): Promise<void> {
    this.clear();
    if (!this.config.redisUrl) return;
    this.publisher ??= new Redis(this.config.redisUrl, { connectionName: 'goodword-links-publisher' });
    try {
      await this.publisher.publish(this.channel, '1');
    } catch (err) {
      this.logger.error({ msg: 'telling other processes of a link change failed; their caches expire within a minute', err });
    }
  }

  private clear(): void {
    this.generation++;
    this.cache.clear();
  }

  private async invalidateAfterCommit(manager: EntityManager): Promise<void> {
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) this.changedIn.add(runner);
    else await this.invalidate(); // no transaction: already committed
  }
}
