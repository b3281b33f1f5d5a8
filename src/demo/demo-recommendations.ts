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
import { isBot } from '../reach/bot-filter';
import { ClickRecorder } from '../reach/click-recorder.service';
import { TrackedLinksService } from '../reach/tracked-links.service';
import { utcDay } from '../common/time/days';
import { VisitorSalts } from '../reach/visitor-salts.service';
import { INTENT_CHANNELS } from '../sharing/intent-links';
import { SharesService } from '../sharing/shares.service';
import { SettingsService } from '../settings/settings.service';
import {
  DEMO_RECOMMENDATIONS,
  DEMO_RECOMMENDATIONS_CAMPAIGN,
  DEMO_REWARD_OFFER,
  demoAdvocatesCsv,
  demoCampaignLaunchedAt,
  demoTimeline,
  demoVisits,
} from './demo-data';

/**
 * The demo's approved recommendations (see DEMO_RECOMMENDATIONS), made the way real ones are, each
 * step through the module that owns it: the advocates' survey responses come in through the feedback
 * import; a campaign of their own is created and launched (CampaignsService, LaunchCampaign); each
 * advocate gets one invitation with its frequency-cap slot (InvitationsService, FrequencyCap, as
 * InviteCustomers writes them), sent through SendInvitations (an email in the outbox like any other)
 * and opened; they approve through ApproveRecommendation (recommendation, shares, tracked links,
 * audit); people follow their links (ClickRecorder); the campaign then ends (CampaignsService.end),
 * so it never invites anyone else.
 *
 * It is a history of the last three months (demoTimeline): each step is given to its owning service
 * with the time it would have happened at (launch, cap slot, invitation, send, open, approval, clicks),
 * never changed afterwards. What those services stamp themselves (audit entries, the campaign's creation
 * and end, shares and links, the reward codes' emails and the email files) bears the time of the seeding.
 * No X posts: those, and their metrics, come only from X's API.
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
    private readonly salts: VisitorSalts,
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
    for (const [index, demo] of DEMO_RECOMMENDATIONS.entries()) {
      const customerId = advocates.get(demo.email);
      const invitation = customerId ? await this.invitations.latestDelivered(customerId, [campaign.id]) : null;
      if (!invitation || (await this.recommendations.existsForInvitation(invitation.id))) continue;
      const row = await this.campaigns.delivery(invitation.id);
      if (!row) continue;
      // Counted from the send, so a run that finishes an interrupted one keeps the order of things.
      const { opensAfterMs, approvesAfterOpenMs } = demoTimeline(index, now);
      const approvedAt = new Date(Math.min(invitation.sentAt.getTime() + opensAfterMs + approvesAfterOpenMs, now.getTime() - 60_000));
      await this.invitations.markOpened(invitation.id, new Date(Math.max(invitation.sentAt.getTime(), approvedAt.getTime() - approvesAfterOpenMs)));
      const landing = landingViewOf(row);
      const approved = await this.approve.execute(
        landing,
        {
          text: demo.text,
          channels: demo.channels.filter((c) => landing.channels.includes(c)),
          rewardAccepted: demo.reward === true,
          confirmed: true,
          ip: null,
          userAgent: 'demo:seed',
        },
        approvedAt,
      );
      await this.visit(approved.id, approvedAt, index, now);
      added++;
    }
    await this.clicks.flush();
    // The past days' salts were needed only to hash those clicks: deleted now, as two days after their day.
    await this.salts.refresh();
    await this.redeemOne(actor, advocates);
    const current = await this.campaigns.findById(campaign.id);
    if (current && current.status !== 'ended') await this.campaigns.end(actor, campaign.id);
    return { recommendations: added, feedback };
  }

  /**
   * People following the advocate's links in the days after the approval, through the redirect's own
   * recorder and bot filter (so the reach rollups are kept as for real visits), link-preview fetchers
   * included, which the reports count apart. Each past day's visitors are hashed under that day's salt,
   * loaded as the redirect would have loaded it then.
   */
  private async visit(recommendationId: string, approvedAt: Date, index: number, now: Date): Promise<void> {
    const links = await Promise.all(
      (await this.shares.list(recommendationId)).map(async (share) => ({ share, link: await this.links.resolve(share.trackedUrl.split('/r/')[1] ?? '') })),
    );
    const visits = links.flatMap(({ share, link }) =>
      link && share.channel !== 'x_post'
        ? demoVisits(share.channel, approvedAt, now, index * 16 + INTENT_CHANNELS.indexOf(share.channel)).map((v) => ({ linkId: link.id, ...v }))
        : [],
    );
    if (visits.length === 0) return;
    const first = Math.min(...visits.map((v) => v.at.getTime()));
    await this.salts.load([...new Set(visits.map((v) => utcDay(v.at.getTime())))], first);
    for (const { linkId, at, ...visit } of visits) this.clicks.record(linkId, { ...visit, bot: isBot(visit.userAgent) }, at);
  }

  /** The first advocate who accepted the gift has used it at the till (through the point-of-sale API's service). */
  private async redeemOne(actor: Actor, advocates: Map<string, string>): Promise<void> {
    const first = DEMO_RECOMMENDATIONS.find((d) => d.reward && advocates.has(d.email));
    const [code] = first ? await this.rewards.codesOf(advocates.get(first.email)!) : [];
    if (code?.status === 'issued') await this.rewardCodes.redeem(actor, code.code, 'demo:seed');
  }

  /**
   * One invitation per advocate, each made at its time in the demo's history with its cap slot claimed
   * then; the campaign launched before the first of them; each sent at its time (opened when they approve).
   */
  private async invite(actor: Actor, campaign: Campaign, advocates: Map<string, string>, now: Date): Promise<void> {
    const cap = (await this.settings.get()).frequencyCap;
    const index = await this.campaigns.locations();
    const rows = DEMO_RECOMMENDATIONS.flatMap((demo, i) => {
      const customerId = advocates.get(demo.email);
      const location = index.byCode.get(demo.locationCode);
      if (!customerId || !location) return [];
      const row: NewInvitation = { id: randomUUID(), campaignId: campaign.id, customerId, locationId: location.id };
      return [{ row, ...demoTimeline(i, now) }];
    });
    const invited = await this.dataSource.transaction(async (manager) => {
      await this.frequencyCap.lockCustomers(manager, rows.map((r) => r.row.customerId));
      const already = await this.invitations.invitedAmong(manager, campaign.id, rows.map((r) => r.row.customerId));
      const fits: typeof rows = [];
      for (const r of rows.filter((r) => !already.has(r.row.customerId))) {
        const claim = { customerId: r.row.customerId, campaignId: campaign.id, invitationId: r.row.id, kind: 'invitation' as const };
        if ((await this.frequencyCap.claimMessageSlots(manager, [claim], cap, r.invitedAt, { locked: true })).length === 0) continue;
        await this.invitations.insertPending(manager, [r.row], r.invitedAt);
        fits.push(r);
      }
      await this.preferenceTokens.ensure(fits.map((r) => r.row.customerId), manager);
      return fits;
    });
    await this.launch.execute(actor, campaign.id, demoCampaignLaunchedAt(now));
    for (const r of invited) await this.send.execute({ invitationIds: [r.row.id], kind: 'invitation' }, undefined, r.sentAt);
  }
}
