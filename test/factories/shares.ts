import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Campaign } from '../../src/campaigns/campaign.entity';
import { Customer } from '../../src/customers/customer.entity';
import { Invitation } from '../../src/invitations/invitation.entity';
import { Location } from '../../src/locations/location.entity';
import { Recommendation } from '../../src/recommendations/recommendation.entity';
import { Share, ShareChannel } from '../../src/sharing/share.entity';

export interface ShareSeed {
  /** The share's id (tests that name it up front); a new one by default. */
  shareId?: string;
  /** An existing customer; a new one by default. */
  customerId?: string;
  channel?: ShareChannel;
  text?: string;
  /** An existing location; a new one by default. */
  locationId?: string;
  /** When it was approved (default now): the approval time can't be changed afterwards. */
  approvedAt?: Date;
  /** An existing campaign; a new one by default. */
  campaignId?: string;
}

/**
 * A share with everything above it (location, campaign, invitation, approved recommendation), written
 * straight into the tables: for tests of the sharing and reach machinery that don't walk the advocate's pages.
 */
export async function insertShare(ds: DataSource, seed: ShareSeed = {}): Promise<{ shareId: string; recommendationId: string; customerId: string; campaignId: string; locationId: string }> {
  const tag = randomUUID().slice(0, 8);
  const customerId = seed.customerId ?? randomUUID();
  if (!seed.customerId) await ds.getRepository(Customer).insert({ id: customerId, email: `c-${tag}@example.com`, name: 'Ana Silva' });
  const location = seed.locationId
    ? await ds.getRepository(Location).findOneByOrFail({ id: seed.locationId })
    : await ds.getRepository(Location).save({ code: `F-${tag}`.toUpperCase(), name: `Store ${tag}` });
  const campaign = seed.campaignId ? await ds.getRepository(Campaign).findOneByOrFail({ id: seed.campaignId }) : await ds.getRepository(Campaign).save({ name: `Campaign ${tag}`, lookBackDays: 30, channels: ['x'], prompt: 'How was it?' });
  const invitationId = randomUUID();
  await ds.getRepository(Invitation).insert({ id: invitationId, campaignId: campaign.id, customerId, locationId: location.id, status: 'sent' });
  const text = seed.text ?? 'Great service, thank you!';
  const recommendation = await ds.getRepository(Recommendation).save({
    invitationId,
    customerId,
    campaignId: campaign.id,
    locationId: location.id,
    authorName: 'Ana S.',
    text,
    textHash: createHash('sha256').update(text).digest('hex'),
    channels: [seed.channel ?? 'x_post'],
    approvedAt: seed.approvedAt ?? new Date(),
  });
  const shareId = seed.shareId ?? randomUUID();
  await ds.getRepository(Share).insert({ id: shareId, recommendationId: recommendation.id, channel: seed.channel ?? 'x_post' });
  return { shareId, recommendationId: recommendation.id, customerId, campaignId: campaign.id, locationId: location.id };
}
