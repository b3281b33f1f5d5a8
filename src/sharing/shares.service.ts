import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { TrackedLinksService } from '../reach/tracked-links.service';
import { Share, ShareChannel } from './share.entity';
import { XConnectionService } from './x/x-connection.service';
import { XPostService } from './x/x-post.service';

export interface ShareLink {
  shareId: string;
  channel: ShareChannel;
  /** `PUBLIC_URL/r/<code>`: the share's own tracked link. */
  trackedUrl: string;
}

/**
 * The shares of a recommendation and their tracked links. Each share gets its own link to the
 * recommendation's public page, so reach is counted per channel; withdrawing or hiding switches them off.
 */
@Injectable()
export class SharesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly links: TrackedLinksService,
    private readonly xPosts: XPostService,
    private readonly xConnections: XConnectionService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Erasure, in the caller's transaction (after `stopAll` of each recommendation): the customer's X account
   * leaves their connections; its tokens stay only while `deletingXPosts` posts still need them.
   */
  async eraseForCustomer(manager: EntityManager, customerId: string, options: { deletingXPosts: boolean }): Promise<void> {
    await this.xConnections.erase(manager, customerId, { deleting: options.deletingXPosts });
  }

  /** One share (and tracked link) per channel, in the caller's transaction; existing ones are kept. */
  async create(
    manager: EntityManager,
    recommendation: { id: string; locationId: string; campaignId: string },
    channels: readonly ShareChannel[],
  ): Promise<ShareLink[]> {
    const existing = await this.list(recommendation.id, manager);
    const created: ShareLink[] = [];
    for (const channel of channels) {
      if (existing.some((s) => s.channel === channel)) continue;
      const share = await manager.save(manager.create(Share, { recommendationId: recommendation.id, channel }));
      const link = await this.links.create(manager, {
        targetPath: `/p/${recommendation.id}`,
        shareId: share.id,
        locationId: recommendation.locationId,
        channel,
        campaignId: recommendation.campaignId,
        recommendationId: recommendation.id,
      });
      created.push({ shareId: share.id, channel, trackedUrl: this.urlOf(link.code) });
    }
    return [...existing, ...created];
  }

  async list(recommendationId: string, manager: EntityManager = this.dataSource.manager): Promise<ShareLink[]> {
    const shares = await manager.find(Share, { where: { recommendationId }, order: { createdAt: 'ASC' } });
    if (shares.length === 0) return [];
    const links = await this.links.forShares(shares.map((s) => s.id), manager);
    return shares.flatMap((share) => {
      const link = links.find((l) => l.shareId === share.id);
      return link ? [{ shareId: share.id, channel: share.channel, trackedUrl: this.urlOf(link.code) }] : [];
    });
  }

  /**
   * Stops every use of a recommendation, in the caller's transaction: its links answer 410 and an X post
   * made through Goodword is deleted by a job (retried until X answers). Call `kick()` after the commit.
   */
  async stopAll(manager: EntityManager, recommendationId: string, options: { deleteXPosts?: boolean } = {}): Promise<void> {
    const shares = await manager.find(Share, { where: { recommendationId } });
    await this.links.disableForShares(manager, shares.map((s) => s.id));
    if (options.deleteXPosts === false) return;
    for (const share of shares) if (share.channel === 'x_post') await this.xPosts.queueDelete(manager, share.id);
  }

  /** Hidden by staff: links answer 410 while hidden, and work again when it is shown again. */
  async setLinksEnabled(manager: EntityManager, recommendationId: string, enabled: boolean): Promise<void> {
    const shareIds = (await manager.find(Share, { select: { id: true }, where: { recommendationId } })).map((s) => s.id);
    if (enabled) await this.links.enableForShares(manager, shareIds);
    else await this.links.disableForShares(manager, shareIds);
  }

  kick(): void {
    this.xPosts.kick();
  }

  private urlOf(code: string): string {
    return `${this.config.publicUrl}/r/${code}`;
  }
}
