import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn, TimestampColumn, UpdatedAtColumn } from '../database/columns';

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'ended';
export const CHANNELS = ['x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * A campaign invites promoters of some locations to recommend the place they visited. Who is
 * eligible is judged on each customer's latest response: promoter with at least `min_score`, at one
 * of the locations, within `look_back_days`, with marketing consent, not suppressed, under the
 * frequency cap and not invited to this campaign yet. While running, new eligible customers keep
 * being invited (a periodic job), each within their location's local sending hours.
 */
@Entity('campaign')
@Index('ix_campaign_status', ['status'])
@Check('ck_campaign_status', `"status" IN ('draft', 'running', 'paused', 'ended')`)
@Check('ck_campaign_min_score', `"min_score" IN (9, 10)`)
@Check('ck_campaign_sending_hours', `"sending_hour_start" BETWEEN 0 AND 23 AND "sending_hour_end" BETWEEN 1 AND 24`)
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: CampaignStatus;

  /** Location ids; null means every location, including ones added later. */
  @JsonColumn({ name: 'location_ids', nullable: true })
  locationIds: string[] | null;

  @Column({ name: 'min_score', type: 'smallint', default: 9 })
  minScore: number;

  /** Only customers whose latest response is at most this many days old. */
  @Column({ name: 'look_back_days', type: 'integer' })
  lookBackDays: number;

  /** Where the customer is offered to share (the sharing capability reads this). */
  @JsonColumn()
  channels: Channel[];

  /** The question shown to the customer on their page. */
  @Column({ type: 'text' })
  prompt: string;

  /** Per-location prompts, by location id. */
  @JsonColumn({ name: 'prompt_overrides', nullable: true })
  promptOverrides: Record<string, string> | null;

  /** Filled in by the rewards capability; never tied to what the customer writes (principle 4). */
  @JsonColumn({ name: 'reward_offer', nullable: true })
  rewardOffer: Record<string, unknown> | null;

  @TimestampColumn({ name: 'starts_at', nullable: true })
  startsAt: Date | null;

  @TimestampColumn({ name: 'ends_at', nullable: true })
  endsAt: Date | null;

  /** Local hours [start, end) in each location's time zone; 0–24 is all day, start > end wraps past midnight. */
  @Column({ name: 'sending_hour_start', type: 'smallint', default: 9 })
  sendingHourStart: number;

  @Column({ name: 'sending_hour_end', type: 'smallint', default: 19 })
  sendingHourEnd: number;

  /** One reminder this many days after the invitation to those who did not open it; null: none. */
  @Column({ name: 'reminder_after_days', type: 'smallint', nullable: true })
  reminderAfterDays: number | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy: string | null;

  @TimestampColumn({ name: 'launched_at', nullable: true })
  launchedAt: Date | null;

  @TimestampColumn({ name: 'ended_at', nullable: true })
  endedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
