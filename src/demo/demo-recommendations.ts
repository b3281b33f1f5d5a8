import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { DeliveryRepository } from '../campaigns/delivery.repository';
import { firstNameOf } from '../campaigns/invitation-email';
import { Actor } from '../common/actor';
import { Customer } from '../customers/customer.entity';
import { LandingView, landingViewOf } from '../invitations/invitation-landing.service';
import { Invitation } from '../invitations/invitation.entity';
import { InvitationsRepository } from '../invitations/invitations.repository';
import { MessageLedger } from '../invitations/message-ledger.repository';
import { Location } from '../locations/location.entity';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { SuppressionList } from '../preferences/suppression-list.service';
import { ApproveRecommendation } from '../recommendations/approve-recommendation.use-case';
import { Recommendation } from '../recommendations/recommendation.entity';
import { SettingsService } from '../settings/settings.service';
import { DEMO_RECOMMENDATIONS, DEMO_RECOMMENDATIONS_CAMPAIGN, DemoRecommendation } from './demo-data';

const DAY_MS = 86_400_000;

/**
 * The demo's approved recommendations (see DEMO_RECOMMENDATIONS): a campaign of their own, one invitation
 * per recommendation, sent days ago to a consenting promoter of the location (with its frequency-cap
 * ledger row and preference token, as the fan-out writes them) and opened, then approved through
 * ApproveRecommendation, which writes the recommendation, its shares and tracked links and the audit
 * entry. The campaign ends afterwards, so it never invites anyone else.
 *
 * Idempotent and resumable: invitations are chosen once (when the campaign has none), and each one is
 * approved only if it has no recommendation yet; a second run adds nothing.
 */
@Injectable()
export class DemoRecommendations {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly campaignsRepository: CampaignsRepository,
    private readonly delivery: DeliveryRepository,
    private readonly invitations: InvitationsRepository,
    private readonly ledger: MessageLedger,
    private readonly suppression: SuppressionList,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly settings: SettingsService,
    private readonly approve: ApproveRecommendation,
    private readonly audit: AuditService,
  ) {}

  /** Returns how many recommendations were added (0 when they were there already). */
  async seed(actor: Actor, now = new Date()): Promise<number> {
    const campaign =
      (await this.campaigns.list(actor)).find((c) => c.name === DEMO_RECOMMENDATIONS_CAMPAIGN) ??
      (await this.campaigns.create(actor, { name: DEMO_RECOMMENDATIONS_CAMPAIGN, locations: 'all', minScore: 9, lookBackDays: 180 }));
    const invited = await this.invite(campaign, now);
    let added = 0;
    for (const { demo, invitationId } of invited) {
      if (await this.dataSource.getRepository(Recommendation).existsBy({ invitationId })) continue;
      const landing = await this.landingOf(invitationId);
      if (!landing) continue;
      await this.approve.execute(landing, {
        text: demo.text,
        channels: demo.channels.filter((c) => landing.channels.includes(c)),
        rewardAccepted: false,
        confirmed: true,
        ip: null,
        userAgent: 'demo:seed',
      });
      added++;
    }
    await this.end(actor, campaign, now);
    return added;
  }

  /**
   * Pairs each demo recommendation with its invitation: the campaign's existing ones (by location, in
   * the order they were sent), or, for a campaign that has none and hasn't ended, new ones.
   */
  private async invite(campaign: Campaign, now: Date): Promise<{ demo: DemoRecommendation; invitationId: string }[]> {
    const cap = (await this.settings.get()).frequencyCap;
    return this.dataSource.transaction(async (manager) => {
      let rows = await manager.find(Invitation, { where: { campaignId: campaign.id }, order: { sentAt: 'ASC', id: 'ASC' } });
      if (rows.length === 0 && campaign.status === 'draft') rows = await this.createInvitations(manager, campaign.id, cap, now);
      const locations = await manager.find(Location, { where: DEMO_RECOMMENDATIONS.map((d) => ({ code: d.locationCode })) });
      const paired: { demo: DemoRecommendation; invitationId: string }[] = [];
      for (const location of locations) {
        const demos = byInvitationTime(DEMO_RECOMMENDATIONS.filter((d) => d.locationCode === location.code));
        const invitations = rows.filter((r) => r.locationId === location.id);
        demos.forEach((demo, i) => invitations[i] && paired.push({ demo, invitationId: invitations[i].id }));
      }
      return paired;
    });
  }

  /**
   * One sent and opened invitation per demo recommendation, to a consenting promoter of its location
   * who isn't suppressed and has a cap slot left on the day it was sent; a location without one gets none.
   */
  private async createInvitations(manager: EntityManager, campaignId: string, cap: number, now: Date): Promise<Invitation[]> {
    const chosen = new Set<string>();
    const firstNames = new Set<string>();
    for (const demo of byInvitationTime(DEMO_RECOMMENDATIONS)) {
      const location = await manager.findOneBy(Location, { code: demo.locationCode });
      if (!location) continue;
      const promoters = await manager.find(Customer, {
        where: { latestLocationId: location.id, latestSegment: 'promoter', marketingConsent: true, name: Not(IsNull()) },
        order: { email: 'ASC' },
        take: 50,
      });
      const suppressed = await this.suppression.suppressedAmong(promoters, manager);
      const sentAt = new Date(now.getTime() - demo.invitedDaysAgo * DAY_MS);
      // A first name not signed yet goes first, so the pages don't show three "Ana"s.
      const fresh = (c: Customer) => (firstNames.has(firstNameOf(c.name) ?? '') ? 1 : 0);
      for (const customer of [...promoters].sort((a, b) => fresh(a) - fresh(b))) {
        if (chosen.has(customer.id) || suppressed.has(customer.id)) continue;
        const id = randomUUID();
        const granted = await this.ledger.claimMessageSlots(manager, [{ customerId: customer.id, campaignId, invitationId: id, kind: 'invitation' }], cap, sentAt);
        if (granted.length === 0) continue;
        await this.invitations.insertPending(manager, [{ id, campaignId, customerId: customer.id, locationId: location.id }], sentAt);
        await manager.update(Invitation, { id }, { status: 'sent', sentAt, openedAt: new Date(sentAt.getTime() + 3 * 3_600_000) });
        chosen.add(customer.id);
        firstNames.add(firstNameOf(customer.name) ?? '');
        break;
      }
    }
    await this.preferenceTokens.ensure([...chosen], manager);
    return manager.find(Invitation, { where: { campaignId }, order: { sentAt: 'ASC', id: 'ASC' } });
  }

  /** What the invitation page would show its customer (InvitationLanding.open, without the token). */
  private async landingOf(invitationId: string): Promise<LandingView | null> {
    const row = await this.delivery.load(invitationId);
    return row ? landingViewOf(row) : null;
  }

  /** Launched when its first invitation went out, ended now: nothing more is ever sent for it. */
  private async end(actor: Actor, campaign: Campaign, now: Date): Promise<void> {
    if (campaign.status !== 'draft') return;
    const first = await this.dataSource.manager.findOne(Invitation, { where: { campaignId: campaign.id }, order: { sentAt: 'ASC' } });
    await this.campaignsRepository.transaction(async (manager) => {
      if (!(await this.campaignsRepository.transition(manager, campaign.id, ['draft'], 'ended', { launchedAt: first?.sentAt ?? now, endedAt: now }))) return;
      await this.audit.record(actor, { action: 'campaign.end', subjectType: 'campaign', subjectId: campaign.id, details: { status: 'ended' } }, manager);
    });
  }
}

/** Earliest invitation first. */
function byInvitationTime(demos: DemoRecommendation[]): DemoRecommendation[] {
  return [...demos].sort((a, b) => b.invitedDaysAgo - a.invitedDaysAgo);
}
