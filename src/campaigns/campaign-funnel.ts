import { Injectable, NotFoundException } from '@nestjs/common';
import { Actor } from '../common/actor';
import { SettingsService } from '../settings/settings.service';
import { CampaignsService } from './campaigns.service';
import { criteriaFor } from './eligibility-criteria';
import { EligibilityCache } from './eligibility-cache';
import { FunnelReadModel } from './funnel.read-model';

export interface FunnelCounts {
  /** Invited, plus customers who would be invited now (all criteria met, cap included). */
  eligible: number;
  /** Invitations claimed (sent or about to be); cancelled ones (opted out, campaign ended) excluded. */
  invited: number;
  /** Accepted by the mail server. */
  delivered: number;
  /** Invitation page visited (no tracking pixels). */
  opened: number;
  reminded: number;
  /** Recommendations approved (withdrawn ones included: they were approved). */
  approved: number;
  /** Shares that went out: X posts made through Goodword, and intent shares once their first human click arrived. */
  shared: number;
}

export interface FunnelReport extends FunnelCounts {
  campaignId: string;
  at: Date;
  locations: ({ code: string; name: string } & FunnelCounts)[];
}

const zero = (): FunnelCounts => ({ eligible: 0, invited: 0, delivered: 0, opened: 0, reminded: 0, approved: 0, shared: 0 });

/** The campaign's funnel, per location; a dealer sees their own locations only. */
@Injectable()
export class CampaignFunnel {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly funnel: FunnelReadModel,
    private readonly eligibility: EligibilityCache,
    private readonly settings: SettingsService,
  ) {}

  async execute(actor: Actor, id: string, locationCode?: string, now = new Date()): Promise<FunnelReport> {
    const campaign = await this.campaigns.get(actor, id);
    const index = await this.campaigns.locations();
    const visible = this.campaigns.visibleLocationIds(actor, index);
    let scope = index.scope(campaign.locationIds).filter((lid) => !visible || visible.has(lid));
    if (locationCode) {
      const location = index.byCode.get(locationCode.trim().toUpperCase());
      if (!location || !scope.includes(location.id)) throw new NotFoundException(`No location with code ${locationCode} in this campaign`);
      scope = [location.id];
    }
    const wanted = new Set(scope);
    const byLocation = new Map<string, FunnelCounts>(scope.map((lid) => [lid, zero()]));
    // Eligibility first (cached per campaign, over every location: shared by dealers and managers), then the
    // invitations: an invitation made in between shows as invited, and the count already left it out.
    const eligible =
      campaign.status === 'ended' ? undefined : await this.eligibility.snapshot(criteriaFor(campaign, (await this.settings.get()).frequencyCap, now), now.getTime());
    const rows = await this.funnel.countsByLocation(campaign.id, index.scope(campaign.locationIds));
    for (const row of rows) {
      const counts = byLocation.get(row.locationId);
      if (!counts) continue;
      Object.assign(counts, { invited: row.invited, delivered: row.delivered, opened: row.opened, reminded: row.reminded, approved: row.approved, shared: row.shared });
      counts.eligible += row.invited;
    }
    if (eligible) {
      const invited = new Map(rows.map((row) => [row.locationId, row.invited]));
      for (const [locationId, count] of this.eligibility.wouldInviteNow(eligible, invited)) {
        if (wanted.has(locationId)) byLocation.get(locationId)!.eligible += count;
      }
    }
    const totals = zero();
    const locations = [...byLocation.entries()]
      .map(([lid, counts]) => {
        for (const key of ['eligible', 'invited', 'delivered', 'opened', 'reminded', 'approved', 'shared'] as const) totals[key] += counts[key];
        const location = index.byId.get(lid)!;
        return { code: location.code, name: location.name, ...counts };
      })
      .sort((a, b) => a.code.localeCompare(b.code));
    return { campaignId: campaign.id, at: now, ...totals, locations };
  }
}

export const FUNNEL_CSV_COLUMNS = ['code', 'name', 'eligible', 'invited', 'delivered', 'opened', 'reminded', 'approved', 'shared'] as const;
