import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { LandingView } from '../invitations/invitation-landing.service';
import { SharesService } from '../sharing/shares.service';
import { XConnectionService } from '../sharing/x/x-connection.service';
import { XOAuthService } from '../sharing/x/x-oauth.service';
import { XPostService } from '../sharing/x/x-post.service';
import { RecommendationsRepository } from './recommendations.repository';

export type XPostStep = { next: 'connect'; url: string } | { next: 'queued' };

/**
 * "Post it for me on X" from the share step: without a connected account the customer is sent to X to
 * connect (coming back to the same page); with one, the approved text is queued to be posted once, with
 * the tracked link of its own `x_post` share.
 */
@Injectable()
export class PostToXForCustomer {
  constructor(
    private readonly recommendations: RecommendationsRepository,
    private readonly shares: SharesService,
    private readonly xPosts: XPostService,
    private readonly xOAuth: XOAuthService,
    private readonly xConnections: XConnectionService,
  ) {}

  async execute(landing: LandingView, returnTo: string): Promise<XPostStep> {
    if (!this.xPosts.enabled) throw new NotFoundException('Posting to X is not available here: please use the share buttons.');
    const recommendation = await this.recommendations.findByInvitation(landing.invitationId);
    if (!recommendation || !recommendation.text || recommendation.withdrawnAt || recommendation.hiddenAt || !recommendation.channels.includes('x')) {
      throw new ConflictException('This recommendation can’t be posted on X.');
    }
    const connection = await this.xConnections.active(landing.customerId);
    const share = await this.recommendations.transaction(async (manager) => {
      const links = await this.shares.create(manager, recommendation, ['x_post']);
      const xShare = links.find((l) => l.channel === 'x_post')!;
      if (connection) {
        await this.xPosts.queue(manager, { shareId: xShare.shareId, connectionId: connection.id, text: recommendation.text!, trackedUrl: xShare.trackedUrl });
      }
      return xShare;
    });
    if (!connection) return { next: 'connect', url: (await this.xOAuth.start({ customerId: landing.customerId, shareId: share.shareId, returnTo })).url };
    this.xPosts.kick();
    return { next: 'queued' };
  }
}
