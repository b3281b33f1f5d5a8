import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
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

@Injectable()
export class TrackedLinksService {
  private readonly cache = new Map<string, { link: ResolvedLink | null; at: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates a link to a local page, in the caller's transaction. */
  async create(
    manager: EntityManager,
    input: { targetPath: string; shareId?: string; locationId?: string },
  ): Promise<TrackedLink> {
    if (!/^\/[^/\\]/.test(input.targetPath)) throw new Error('a tracked link must point to a local path');
    const repo = manager.getRepository(TrackedLink);
    return repo.save(
      repo.create({
        code: randomBytes(CODE_BYTES).toString('base64url'),
        targetPath: input.targetPath,
        shareId: input.shareId ?? null,
        locationId: input.locationId ?? null,
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
    const row = await this.dataSource.getRepository(TrackedLink).findOne({
      select: { id: true, targetPath: true, disabledAt: true },
      where: { code },
    });
    const link = row ? { id: row.id, targetPath: row.targetPath, disabled: row.disabledAt !== null } : null;
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(code, { link, at: now });
    return link;
  }

  /** The links of these shares (read in the caller's transaction when given). */
  forShares(shareIds: string[], manager: EntityManager = this.dataSource.manager): Promise<TrackedLink[]> {
    if (shareIds.length === 0) return Promise.resolve([]);
    return manager.find(TrackedLink, { where: { shareId: In(shareIds) } });
  }

  /** Withdrawn or hidden: the shares' links answer 410 (other processes within a minute). */
  async disableForShares(manager: EntityManager, shareIds: string[]): Promise<void> {
    if (shareIds.length === 0) return;
    await manager.update(TrackedLink, { shareId: In(shareIds), disabledAt: IsNull() }, { disabledAt: new Date() });
    this.cache.clear();
  }

  /** Shown again after being hidden: the shares' links redirect again. */
  async enableForShares(manager: EntityManager, shareIds: string[]): Promise<void> {
    if (shareIds.length === 0) return;
    await manager.update(TrackedLink, { shareId: In(shareIds), disabledAt: Not(IsNull()) }, { disabledAt: null });
    this.cache.clear();
  }
}
