import { DAY_MS } from '../common/time/days';
import { CAP_WINDOW_MS } from '../invitations/frequency-cap.service';
import { Campaign } from './campaign.entity';
import { EligibilityCriteria } from './eligibility.read-model';

export function criteriaFor(campaign: Campaign, cap: number, now: Date): EligibilityCriteria {
  return {
    campaignId: campaign.id,
    locationIds: campaign.locationIds,
    minScore: campaign.minScore,
    respondedSince: new Date(now.getTime() - campaign.lookBackDays * DAY_MS),
    capSince: new Date(now.getTime() - CAP_WINDOW_MS),
    cap,
  };
}

export function sendingHoursOf(campaign: Pick<Campaign, 'sendingHourStart' | 'sendingHourEnd'>) {
  return { start: campaign.sendingHourStart, end: campaign.sendingHourEnd };
}
