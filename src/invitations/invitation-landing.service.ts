import { Injectable } from '@nestjs/common';
import { Channel } from '../campaigns/campaign.entity';
import { CampaignsService, DeliveryRow } from '../campaigns/campaigns.service';
import { firstNameOf } from '../campaigns/invitation-email';
import { AppConfig } from '../config/app-config';
import { promptFor } from '../campaigns/campaign.view';
import { SAMPLE_COMMENT, SAMPLE_NAME, TestInvitation, verifyTestInvitation } from './test-invitation-token';
import { InvitationTokens } from './invitation-tokens.service';
import { InvitationsService } from './invitations.service';

/** Who was invited, by which campaign, for which location: what the advocate's pages build on. */
export interface LandingView {
  invitationId: string;
  campaignId: string;
  customerId: string;
  locationId: string;
  /** The name the feedback source recorded (the public page shows first name and initial only). */
  name: string | null;
  firstName: string | null;
  locationName: string;
  /** Where the campaign offers to share. */
  channels: Channel[];
  /** The campaign's thank-you, if any (accepting it adds a disclosure line to the approved text). */
  rewardOffer: Record<string, unknown> | null;
  /** Their own words from the feedback: where their recommendation will start. */
  comment: string | null;
  prompt: string;
  /** A "Send a test" preview: shown marked as a test; nothing can be approved, shared or counted. */
  test?: boolean;
}

/**
 * Opens an invitation link: an unknown, expired or revoked token, a cancelled or refused invitation
 * or one of a campaign that has ended all answer null (the same "not valid" page). The first visit is
 * recorded as "opened" (DESIGN: no tracking pixels).
 */
@Injectable()
export class InvitationLanding {
  constructor(
    private readonly tokens: InvitationTokens,
    private readonly invitations: InvitationsService,
    private readonly campaigns: CampaignsService,
    private readonly config: AppConfig,
  ) {}

  async open(token: unknown, now = new Date()): Promise<LandingView | null> {
    const test = verifyTestInvitation(this.config.hashKey, token, now.getTime());
    if (test) return this.testView(test);
    const invitationId = await this.tokens.resolve(token, now);
    if (!invitationId) return null;
    const row = await this.campaigns.delivery(invitationId);
    // 'pending': the email carrying this token is being sent right now (the token exists only then).
    if (!row || (row.status !== 'sent' && row.status !== 'pending') || row.campaignStatus === 'ended') return null;
    await this.invitations.markOpened(invitationId, now);
    return landingViewOf(row);
  }

  private async testView(test: TestInvitation): Promise<LandingView | null> {
    const campaign = await this.campaigns.findById(test.campaignId);
    if (!campaign || campaign.status === 'ended') return null;
    const index = await this.campaigns.locations();
    const location = (test.locationId && index.byId.get(test.locationId)) || index.byId.get(index.scope(campaign.locationIds)[0] ?? '');
    return {
      invitationId: NO_INVITATION,
      campaignId: campaign.id,
      customerId: NO_INVITATION,
      locationId: location?.id ?? NO_INVITATION,
      name: SAMPLE_NAME,
      firstName: firstNameOf(SAMPLE_NAME),
      locationName: location?.name ?? 'Your location',
      channels: campaign.channels,
      rewardOffer: campaign.rewardOffer,
      comment: SAMPLE_COMMENT,
      prompt: location ? promptFor(campaign, location.id) : campaign.prompt,
      test: true,
    };
  }
}

/** What a test link shows: the campaign's real page for a sample customer (nothing is recorded). */
export const NO_INVITATION = '00000000-0000-0000-0000-000000000000';

/** What the invitation's page shows, from its delivery row. */
export function landingViewOf(row: DeliveryRow): LandingView {
  return {
    invitationId: row.invitationId,
    campaignId: row.campaignId,
    customerId: row.customerId,
    locationId: row.locationId,
    name: row.name,
    firstName: firstNameOf(row.name),
    locationName: row.locationName,
    channels: row.channels,
    rewardOffer: row.rewardOffer,
    comment: row.comment,
    prompt: row.promptOverride ?? row.prompt,
  };
}
