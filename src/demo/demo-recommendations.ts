import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { LaunchCampaign } from '../campaigns/launch-campaign';
import { SendInvitations } from '../campaigns/send-invitations';
import { Actor } from '../common/actor';
import { CustomersService } from '../customers/customers.service';
import { ImportFeedbackUseCase } from '../feedback/import-feedback.use-case';
import { FrequencyCap } from '../invitations/frequency-cap.service';
import { landingViewOf } from '../invitations/invitation-landing.service';
import { InvitationsService, NewInvitation } from '../invitations/invitations.service';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { ApproveRecommendation } from '../recommendations/approve-recommendation.use-case';
import { RecommendationsService } from '../recommendations/recommendations.service';
import { RewardCodesService } from '../rewards/reward-codes.service';
import { RewardOffersService } from '../rewards/reward-offers.service';
import { RewardsService } from '../rewards/rewards.service';
import { ClickRecorder } from '../reach/click-recorder.service';
import { TrackedLinksService } from '../reach/tracked-links.service';
import { SharesService } from '../sharing/shares.service';
import { SettingsService } from '../settings/settings.service';
import { DEMO_RECOMMENDATIONS, DEMO_RECOMMENDATIONS_CAMPAIGN, DEMO_REWARD_OFFER, demoAdvocatesCsv } from './demo-data';

/**
 * The demo's approved recommendations (see DEMO_RECOMMENDATIONS), made the way real ones are, each
 * step through the module that owns it: the advocates' survey responses come in through the feedback
 * import; a campaign of their own is created and launched (CampaignsService, LaunchCampaign); each
 * advocate gets one invitation with its frequency-cap slot (InvitationsService, FrequencyCap, as
 * InviteCustomers writes them), sent through SendInvitations (an email in the outbox like any other)
 * and opened; they approve through ApproveRecommendation (recommendation, shares, tracked links,
 * audit); the campaign then ends (CampaignsService.end), so it never invites anyone else.
 *
 * It runs before the rest of the demo feedback is imported, so the launch's own fan-out finds no
 * eligible promoter but the advocates. Idempotent and resumable: the campaign invites only while it
 * is a draft, and each sent invitation is approved only if it has no recommendation yet.
 */
@Injectable()
export class DemoRecommendations {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly feedback: ImportFeedbackUseCase,
    private readonly customers: CustomersService,
    private readonly campaigns: CampaignsService,
    private readonly launch: LaunchCampaign,
    private readonly send: SendInvitations,
    private readonly invitations: InvitationsService,
    private readonly frequencyCap: FrequencyCap,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly settings: SettingsService,
    private readonly approve: ApproveRecommendation,
    private readonly recommendations: RecommendationsService,
    private readonly rewardOffers: RewardOffersService,
    private readonly rewards: RewardsService,
    private readonly rewardCodes: RewardCodesService,
    private readonly shares: SharesService,
    private readonly links: TrackedLinksService,
    private readonly clicks: ClickRecorder,
  ) {}

  /** Returns how many recommendations were added (0 when they were there already) and the survey responses imported. */
  async seed(actor: Actor, now = new Date()): Promise<{ recommendations: number; feedback: number }> {
    let feedback = 0;
    let campaign = (await this.campaigns.list(actor)).find((c) => c.name === DEMO_RECOMMENDATIONS_CAMPAIGN);
    if (!campaign) {
      const csv = demoAdvocatesCsv(now);
      feedback = (await this.feedback.run({ source: 'cli', filename: 'demo-advocates.csv', input: Readable.from([Buffer.from(csv)]), actor })).accepted;
      const locations = [...new Set(DEMO_RECOMMENDATIONS.map((d) => d.locationCode))];
      campaign = await this.campaigns.create(actor, { name: DEMO_RECOMMENDATIONS_CAMPAIGN, locations, minScore: 9, lookBackDays: 180, sendingHours: { from: 0, to: 24 } });
    }
    const advocates = await this.customers.resolveIds(DEMO_RECOMMENDATIONS.map((d) => d.email));
    if (campaign.status === 'draft') await this.invite(actor, campaign, advocates, now);

    // Its thank-you, through the rewards module like a marketer's; some advocates accept it when they approve.
    if (campaign.status !== 'ended' && !(await this.rewardOffers.find(actor, campaign.id))) await this.rewardOffers.create(actor, campaign.id, DEMO_REWARD_OFFER);

    let added = 0;
    for (const demo of DEMO_RECOMMENDATIONS) {
      const customerId = advocates.get(demo.email);
      const invitation = customerId ? await this.invitations.latestDelivered(customerId, [campaign.id]) : null;
      if (!invitation || (await this.recommendations.existsForInvitation(invitation.id))) continue;
      const row = await this.campaigns.delivery(invitation.id);
      if (!row) continue;
      const landing = landingViewOf(row);
      const approved = await this.approve.execute(landing, {
        text: demo.text,
        channels: demo.channels.filter((c) => landing.channels.includes(c)),
        rewardAccepted: demo.reward === true,
        confirmed: true,
        ip: null,
        userAgent: 'demo:seed',
      });
      await this.visit(approved.id, added, now);
      added++;
    }
    await this.clicks.flush();
    await this.redeemOne(actor, advocates);
    const current = await this.campaigns.findById(campaign.id);
    if (current && current.status !== 'ended') await this.campaigns.end(actor, campaign.id);
    return { recommendations: added, feedback };
  }

  /**
   * People following the advocate's links since the approval, through the redirect's own recorder (so the
   * reach rollups are kept as for real visits): a few dozen visitors, some coming back, and link-preview bots
   * that the reports leave out.
   */
  private async visit(recommendationId: string, n: number, now: Date): Promise<void> {
    const shares = await this.shares.list(recommendationId);
    const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
    for (const [i, share] of shares.entries()) {
      const link = await this.links.resolve(share.trackedUrl.split('/r/')[1] ?? '');
      if (!link) continue;
      const people = 6 + ((n * 7 + i * 5) % 23);
      for (let p = 0; p < people; p++) {
        const at = new Date(now.getTime() - ((p * 37 + i * 11) % 180) * 1000);
        this.clicks.record(link.id, { ip: `198.51.100.${(n * 31 + i * 17 + p) % 250}`, userAgent: phone, bot: false }, at);
        if (p % 4 === 0) this.clicks.record(link.id, { ip: `198.51.100.${(n * 31 + i * 17 + p) % 250}`, userAgent: phone, bot: false }, at);
      }
      this.clicks.record(link.id, { ip: '192.0.2.10', userAgent: 'facebookexternalhit/1.1', bot: true }, now);
      this.clicks.record(link.id, { ip: '192.0.2.11', userAgent: 'Twitterbot/1.0', bot: true }, now);
    }
  }

  /** The first advocate who accepted the gift has used it at the till (through the point-of-sale API's service). */
  private async redeemOne(actor: Actor, advocates: Map<string, string>): Promise<void> {
    const first = DEMO_RECOMMENDATIONS.find((d) => d.reward && advocates.has(d.email));
    const [code] = first ? await this.rewards.codesOf(advocates.get(first.email)!) : [];
    if (code?.status === 'issued') await this.rewardCodes.redeem(actor, code.code, 'demo:seed');
  }

  /** One invitation per advocate, launched, sent and opened. */
  private async invite(actor: Actor, campaign: Campaign, advocates: Map<string, string>, now: Date): Promise<void> {
    const cap = (await this.settings.get()).frequencyCap;
    const index = await this.campaigns.locations();
    const rows: NewInvitation[] = DEMO_RECOMMENDATIONS.flatMap((demo) => {
      const customerId = advocates.get(demo.email);
      const location = index.byCode.get(demo.locationCode);
      return customerId && location ? [{ id: randomUUID(), campaignId: campaign.id, customerId, locationId: location.id }] : [];
    });
    const invited = await this.dataSource.transaction(async (manager) => {
      await this.frequencyCap.lockCustomers(manager, rows.map((r) => r.customerId));
      const already = await this.invitations.invitedAmong(manager, campaign.id, rows.map((r) => r.customerId));
      const wanted = rows.filter((r) => !already.has(r.customerId));
      const granted = new Set(
        (
          await this.frequencyCap.claimMessageSlots(
            manager,
            wanted.map((r) => ({ customerId: r.customerId, campaignId: campaign.id, invitationId: r.id, kind: 'invitation' as const })),
            cap,
            now,
            { locked: true },
          )
        ).map((g) => g.invitationId),
      );
      const fits = wanted.filter((r) => granted.has(r.id));
      await this.invitations.insertPending(manager, fits, now);
      await this.preferenceTokens.ensure(fits.map((r) => r.customerId), manager);
      return fits;
    });
    await this.launch.execute(actor, campaign.id, now);
    const outcomes = await this.send.execute({ invitationIds: invited.map((r) => r.id), kind: 'invitation' });
    for (const [invitationId, outcome] of outcomes) if (outcome === 'sent') await this.invitations.markOpened(invitationId, new Date());
  }
}
