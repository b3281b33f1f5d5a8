import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { SuppressionList } from '../preferences/suppression-list.service';
import { SettingsService } from '../settings/settings.service';
import { CampaignsService } from './campaigns.service';
import { criteriaFor } from './eligibility-criteria';
import { EligibilityReadModel, EXCLUSION_REASONS, ExclusionReason, MIN_UUID } from './eligibility.read-model';

export type OutcomeCounts = { invite: number } & Record<ExclusionReason, number>;

export interface DryRunLocation extends OutcomeCounts {
  code: string;
  name: string;
}

export interface DryRunReport {
  campaignId: string;
  at: Date;
  frequencyCap: number;
  totals: OutcomeCounts;
  locations: DryRunLocation[];
}

const zero = (): OutcomeCounts => ({ invite: 0, noEmail: 0, noConsent: 0, suppressed: 0, overCap: 0, alreadyInvited: 0, outsideWindow: 0 });

/**
 * Who a launch (or the next fan-out) would invite now, and why the others are left out, per
 * location: every promoter with at least the minimum score at the campaign's locations is counted
 * once, under the first reason that applies (no consent, suppressed, over the cap, already invited,
 * outside the look-back window). Sending hours are not a reason: they only delay.
 */
@Injectable()
export class DryRunCampaign {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly eligibility: EligibilityReadModel,
    private readonly suppression: SuppressionList,
    private readonly settings: SettingsService,
  ) {}

  async execute(actor: Actor, id: string, now = new Date()): Promise<DryRunReport> {
    const campaign = await this.campaigns.get(actor, id);
    const cap = (await this.settings.get()).frequencyCap;
    const criteria = criteriaFor(campaign, cap, now);
    // Opt-outs whose customer row was erased: find any that came back (by HMAC). Only read: a dry run
    // (the GET page too) writes nothing; the fan-out links such entries when it meets them.
    const suppressedByHash: string[] = [];
    if (await this.suppression.hasUnlinked()) {
      for (let after = MIN_UUID; ; ) {
        const page = await this.eligibility.consentingInScope(criteria, after, 2000);
        if (page.length === 0) break;
        suppressedByHash.push(...(await this.suppression.unlinkedAmong(page)));
        after = page[page.length - 1].id;
      }
    }
    const index = await this.campaigns.locations();
    const visible = this.campaigns.visibleLocationIds(actor, index);
    const byLocation = new Map<string, OutcomeCounts>();
    const totals = zero();
    for (const row of await this.eligibility.countByOutcome(criteria, suppressedByHash)) {
      if (visible && !visible.has(row.locationId)) continue;
      const counts = byLocation.get(row.locationId) ?? zero();
      counts[row.outcome] += row.count;
      totals[row.outcome] += row.count;
      byLocation.set(row.locationId, counts);
    }
    const scope = index.scope(campaign.locationIds).filter((lid) => !visible || visible.has(lid));
    const locations = scope
      .map((lid) => index.byId.get(lid))
      .filter((l) => !!l)
      .map((l) => ({ code: l!.code, name: l!.name, ...(byLocation.get(l!.id) ?? zero()) }))
      .sort((a, b) => a.code.localeCompare(b.code));
    return { campaignId: campaign.id, at: now, frequencyCap: cap, totals, locations };
  }
}

export const DRY_RUN_COLUMNS = ['code', 'name', 'invite', ...EXCLUSION_REASONS] as const;
