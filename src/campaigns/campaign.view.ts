import { Campaign, CampaignStatus, Channel } from './campaign.entity';
import { LocationIndex } from '../locations/location-index';

/** A campaign as the API shows it: locations by code. */
export interface CampaignView {
  id: string;
  name: string;
  status: CampaignStatus;
  locations: 'all' | string[];
  minScore: number;
  lookBackDays: number;
  channels: Channel[];
  prompt: string;
  promptOverrides: Record<string, string>;
  rewardOffer: Record<string, unknown> | null;
  startsAt: Date | null;
  endsAt: Date | null;
  sendingHours: { from: number; to: number };
  reminderAfterDays: number | null;
  createdBy: string | null;
  launchedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * `visible`: a dealer's location ids. A dealer reading a campaign that spans locations sees only theirs: its
 * other locations' codes and prompt overrides are left out ("all" reads as their own codes).
 */
export function toCampaignView(campaign: Campaign, locations: LocationIndex, visible: Set<string> | null = null): CampaignView {
  const overrides: Record<string, string> = {};
  for (const [id, prompt] of Object.entries(campaign.promptOverrides ?? {})) {
    const code = locations.byId.get(id)?.code;
    if (code && (!visible || visible.has(id))) overrides[code] = prompt;
  }
  const locationIds = visible ? (campaign.locationIds ?? [...visible]).filter((id) => visible.has(id)) : campaign.locationIds;
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    locations: locationIds ? locations.codes(locationIds) : 'all',
    minScore: campaign.minScore,
    lookBackDays: campaign.lookBackDays,
    channels: campaign.channels,
    prompt: campaign.prompt,
    promptOverrides: overrides,
    rewardOffer: campaign.rewardOffer,
    startsAt: campaign.startsAt,
    endsAt: campaign.endsAt,
    sendingHours: { from: campaign.sendingHourStart, to: campaign.sendingHourEnd },
    reminderAfterDays: campaign.reminderAfterDays,
    createdBy: campaign.createdBy,
    launchedAt: campaign.launchedAt,
    endedAt: campaign.endedAt,
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
  };
}

export const CAMPAIGN_CSV_COLUMNS = [
  'id', 'name', 'status', 'locations', 'minScore', 'lookBackDays', 'channels', 'startsAt', 'endsAt', 'reminderAfterDays', 'launchedAt', 'endedAt', 'createdAt',
] as const;

/** One CSV row: lists joined with spaces. */
export function toCampaignCsvRow(view: CampaignView): Record<(typeof CAMPAIGN_CSV_COLUMNS)[number], unknown> {
  return {
    ...view,
    locations: view.locations === 'all' ? 'all' : view.locations.join(' '),
    channels: view.channels.join(' '),
  };
}

/** The prompt the customer sees for a location. */
export function promptFor(campaign: Pick<Campaign, 'prompt' | 'promptOverrides'>, locationId: string): string {
  return campaign.promptOverrides?.[locationId] ?? campaign.prompt;
}
