import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LandingView } from '../invitations/invitation-landing.service';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { CHANNEL_LABELS, INTENT_CHANNELS, IntentChannel, intentUrl } from '../sharing/intent-links';
import { SharesService } from '../sharing/shares.service';
import { XConnectionService } from '../sharing/x/x-connection.service';
import { XPostService, XPostView } from '../sharing/x/x-post.service';
import { composeXStatus } from '../sharing/x/x-status';
import { Recommendation } from './recommendation.entity';

export interface ShareButton {
  channel: IntentChannel;
  label: string;
  href: string | null;
  /** What the copy box holds (copy channel only). */
  copyText?: string;
}

export interface SharePageView {
  recommendation: Recommendation;
  publicUrl: string;
  buttons: ShareButton[];
  copy: ShareButton | null;
  /** "Post it for me on X": null when X isn't configured or the customer didn't choose X. */
  xPosting: { connectedAs: string | null; post: XPostView | null } | null;
  withdrawn: boolean;
  preferencesPath: string;
}

/** Builds the share step of `/i/:token`: one intent link per chosen channel, each with its share's tracked link. */
@Injectable()
export class SharePage {
  constructor(
    private readonly shares: SharesService,
    private readonly xPosts: XPostService,
    private readonly xConnections: XConnectionService,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly config: AppConfig,
  ) {}

  /** True when Goodword posted it on X for the customer and the post is still there (withdrawing deletes it). */
  async postedOnX(recommendationId: string): Promise<boolean> {
    const xShare = (await this.shares.list(recommendationId)).find((l) => l.channel === 'x_post');
    const post = xShare ? await this.xPosts.findByShare(xShare.shareId) : null;
    return post?.status === 'posted' || post?.status === 'queued';
  }

  async build(landing: LandingView, recommendation: Recommendation): Promise<SharePageView> {
    const links = await this.shares.list(recommendation.id);
    const text = recommendation.text ?? '';
    const subject = `My recommendation: ${landing.locationName}`;
    const buttons: ShareButton[] = [];
    for (const channel of INTENT_CHANNELS) {
      const link = links.find((l) => l.channel === channel);
      if (!link) continue;
      buttons.push({
        channel,
        label: CHANNEL_LABELS[channel],
        href: intentUrl(channel, { text, url: link.trackedUrl, subject }),
        copyText: channel === 'copy' ? composeXStatus(text, link.trackedUrl) : undefined,
      });
    }
    const xShare = links.find((l) => l.channel === 'x_post');
    const xPosting = this.xPosts.enabled && recommendation.channels.includes('x')
      ? {
          connectedAs: (await this.xConnections.active(landing.customerId))?.xUsername ?? null,
          post: xShare ? await this.xPosts.findByShare(xShare.shareId) : null,
        }
      : null;
    return {
      recommendation,
      publicUrl: `${this.config.publicUrl}/p/${recommendation.id}`,
      buttons: buttons.filter((b) => b.href !== null),
      copy: buttons.find((b) => b.channel === 'copy') ?? null,
      xPosting,
      withdrawn: recommendation.withdrawnAt !== null,
      preferencesPath: `/preferences/${await this.preferenceTokens.reveal(landing.customerId)}/recommendations`,
    };
  }
}
