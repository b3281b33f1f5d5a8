import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvitationStatus, ReminderStatus } from '../invitations/invitation.entity';
import { MarketingMessageKind } from '../invitations/marketing-message.entity';
import { dialectOf, readBool, readTime, SqlParams } from '../database/sql';
import { CampaignStatus, Channel } from './campaign.entity';

/** Everything needed to decide on, and write, one invitation or reminder email: one query. */
export interface DeliveryRow {
  invitationId: string;
  status: InvitationStatus;
  reminderStatus: ReminderStatus | null;
  openedAt: Date | null;
  sentAt: Date | null;
  customerId: string;
  campaignId: string;
  locationId: string;
  email: string;
  name: string | null;
  marketingConsent: boolean;
  /** An opt-out linked to this customer row (the HMAC check covers unlinked ones). */
  suppressedLinked: boolean;
  comment: string | null;
  locationName: string;
  timezone: string;
  campaignStatus: CampaignStatus;
  campaignName: string;
  prompt: string;
  promptOverride: string | null;
  /** Where the campaign offers to share, and its reward offer (null: none). */
  channels: Channel[];
  rewardOffer: Record<string, unknown> | null;
  sendingHourStart: number;
  sendingHourEnd: number;
  preferenceTokenSealed: string | null;
  preferenceTokenRevoked: boolean;
}

/** A message leased for sending, with what its email needs. */
export interface ClaimedMessage {
  invitationId: string;
  customerId: string;
  campaignId: string;
  email: string;
  name: string | null;
  comment: string | null;
  locationName: string;
  timezone: string;
  sendingHourStart: number;
  sendingHourEnd: number;
  preferenceTokenSealed: string | null;
  preferenceTokenRevoked: boolean;
}

export interface ClaimRequest {
  now: Date;
  leaseUntil: Date;
  /** The send job asking: its own earlier run's leases (a worker that died) are taken over, not waited out. */
  owner: string;
}

/**
 * Read-only join across the invitation, the customer (customers module), their latest feedback
 * response's comment (feedback module), the location, the campaign and the preference token: the
 * send path runs once per email, 100,000 times in a fan-out, and one query per email keeps it fast.
 * Also serves the invitation page.
 */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The send path's one statement (PostgreSQL) for a batch of messages: leases each message that,
   * right now, is still unsent and free (or leased by this same job before: its worker died and the
   * queue runs the job again), whose campaign is running, whose customer has marketing consent and
   * is not on the suppression list (entries are linked to the customer: see SendInvitations) and —
   * for a reminder — whose invitation was not opened; returns what the emails need, in the order
   * asked. Messages left out don't qualify (the caller finds out why with `load`). SQLite, one
   * process, does the same per message in two statements.
   */
  async claim(invitationIds: string[], kind: MarketingMessageKind, request: ClaimRequest): Promise<ClaimedMessage[]> {
    if (invitationIds.length === 0) return [];
    const manager = this.dataSource.manager;
    const unsent = kind === 'invitation' ? `i.status = 'pending'` : `i.status = 'sent' AND i.reminder_status = 'pending' AND i.opened_at IS NULL`;
    const order = new Map(invitationIds.map((id, index) => [id, index]));
    if (dialectOf(manager) === 'postgres') {
      const rows: Record<string, unknown>[] = await manager.query(
        `WITH leased AS (
           UPDATE invitation i SET lease_until = $2, lease_owner = $4
           FROM campaign k, customer c
           WHERE i.id = ANY($1::uuid[]) AND k.id = i.campaign_id AND c.id = i.customer_id AND ${unsent}
             AND (i.lease_until IS NULL OR i.lease_until < $3 OR i.lease_owner = $4)
             AND k.status = 'running' AND c.marketing_consent
             AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = i.customer_id)
           RETURNING i.id, i.customer_id, i.campaign_id, i.location_id, c.email, c.name, c.latest_response_id, k.sending_hour_start, k.sending_hour_end
         )
         SELECT leased.*, fr.comment, l.name AS location_name, l.timezone, pt.token_sealed, pt.revoked_at AS token_revoked_at
         FROM leased
         JOIN location l ON l.id = leased.location_id
         LEFT JOIN feedback_response fr ON fr.id = leased.latest_response_id
         LEFT JOIN preference_token pt ON pt.customer_id = leased.customer_id`,
        [invitationIds, request.leaseUntil.toISOString(), request.now.toISOString(), request.owner],
      );
      return rows.map(toClaimed).sort((a, b) => order.get(a.invitationId)! - order.get(b.invitationId)!);
    }
    const claimed: ClaimedMessage[] = [];
    for (const invitationId of invitationIds) {
      const p = new SqlParams('sqlite');
      const leased = await manager.query(
        `UPDATE invitation AS i SET lease_until = ${p.time(request.leaseUntil)}, lease_owner = ${p.add(request.owner)}
         WHERE i.id = ${p.add(invitationId)} AND ${unsent}
           AND (i.lease_until IS NULL OR i.lease_until < ${p.time(request.now)} OR i.lease_owner = ${p.add(request.owner)})
           AND EXISTS (SELECT 1 FROM campaign k WHERE k.id = i.campaign_id AND k.status = 'running')
           AND EXISTS (SELECT 1 FROM customer c WHERE c.id = i.customer_id AND c.marketing_consent = 1)
           AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = i.customer_id)
         RETURNING id`,
        p.values,
      );
      if (!leased.length) continue;
      const row = await this.load(invitationId);
      if (row) claimed.push(row);
    }
    return claimed;
  }

  async load(invitationId: string): Promise<DeliveryRow | null> {
    const p = new SqlParams(dialectOf(this.dataSource.manager));
    const idParam = p.add(invitationId);
    const [row] = await this.dataSource.manager.query(
      `SELECT i.id, i.status, i.reminder_status, i.opened_at, i.sent_at, i.customer_id, i.campaign_id, i.location_id,
              c.email, c.name, c.marketing_consent,
              EXISTS (SELECT 1 FROM suppression s WHERE s.customer_id = i.customer_id) AS suppressed_linked,
              fr.comment,
              l.name AS location_name, l.timezone,
              k.status AS campaign_status, k.name AS campaign_name, k.prompt, k.prompt_overrides, k.channels, k.reward_offer,
              k.sending_hour_start, k.sending_hour_end,
              pt.token_sealed, pt.revoked_at AS token_revoked_at
       FROM invitation i
       JOIN customer c ON c.id = i.customer_id
       JOIN location l ON l.id = i.location_id
       JOIN campaign k ON k.id = i.campaign_id
       LEFT JOIN feedback_response fr ON fr.id = c.latest_response_id
       LEFT JOIN preference_token pt ON pt.customer_id = i.customer_id
       WHERE i.id = ${idParam}`,
      p.values,
    );
    if (!row) return null;
    const overrides = parseJson(row.prompt_overrides) as Record<string, string> | null;
    return {
      invitationId: row.id,
      status: row.status,
      reminderStatus: row.reminder_status ?? null,
      openedAt: readTime(row.opened_at),
      sentAt: readTime(row.sent_at),
      customerId: row.customer_id,
      campaignId: row.campaign_id,
      locationId: row.location_id,
      email: row.email,
      name: row.name ?? null,
      marketingConsent: readBool(row.marketing_consent),
      suppressedLinked: readBool(row.suppressed_linked),
      comment: row.comment ?? null,
      locationName: row.location_name,
      timezone: row.timezone,
      campaignStatus: row.campaign_status,
      campaignName: row.campaign_name,
      prompt: row.prompt,
      promptOverride: overrides?.[row.location_id] ?? null,
      channels: (parseJson(row.channels) as Channel[] | null) ?? [],
      rewardOffer: parseJson(row.reward_offer) as Record<string, unknown> | null,
      sendingHourStart: Number(row.sending_hour_start),
      sendingHourEnd: Number(row.sending_hour_end),
      preferenceTokenSealed: row.token_sealed ?? null,
      preferenceTokenRevoked: row.token_revoked_at !== null && row.token_revoked_at !== undefined,
    };
  }
}

function toClaimed(row: Record<string, unknown>): ClaimedMessage {
  return {
    invitationId: row.id as string,
    customerId: row.customer_id as string,
    campaignId: row.campaign_id as string,
    email: row.email as string,
    name: (row.name as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    locationName: row.location_name as string,
    timezone: row.timezone as string,
    sendingHourStart: Number(row.sending_hour_start),
    sendingHourEnd: Number(row.sending_hour_end),
    preferenceTokenSealed: (row.token_sealed as string | null) ?? null,
    preferenceTokenRevoked: row.token_revoked_at !== null && row.token_revoked_at !== undefined,
  };
}

function parseJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
