import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { OutboxService } from '../jobs/outbox.service';
import { InvitationsService } from '../invitations/invitations.service';
import { LocationsService } from '../locations/locations.service';
import { Campaign, CampaignStatus, CHANNELS } from './campaign.entity';
import { CAMPAIGN_FAN_OUT_JOB } from './campaign.jobs';
import { toCampaignView, CampaignView } from './campaign.view';
import { CampaignsRepository } from './campaigns.repository';
import { DeliveryRepository, DeliveryRow } from './delivery.repository';
import { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';
import { LocationIndex } from '../locations/location-index';

export type { DeliveryRow } from './delivery.repository';

export const DEFAULT_PROMPT = 'What would you tell a friend about your visit?';
const NOT_NULL: (keyof UpdateCampaignDto)[] = ['name', 'locations', 'minScore', 'lookBackDays', 'channels', 'prompt', 'sendingHours'];

/**
 * Campaign definitions and their life cycle: draft → running ⇄ paused → ended (launch is
 * LaunchCampaign). Admins and marketers manage; dealers read campaigns that touch one of their
 * locations (an "all locations" campaign touches all), and get a 404 for any other.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly locationsService: LocationsService,
    private readonly invitations: InvitationsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  locations(): Promise<LocationIndex> {
    return this.locationsService.index();
  }

  /** Campaigns the actor may see, newest first; `locationCode` keeps those touching that location. */
  async list(actor: Actor, locationCode?: string): Promise<Campaign[]> {
    const index = await this.locationsService.index();
    const visible = this.visibleLocationIds(actor, index);
    let wanted: string | undefined;
    if (locationCode) {
      const location = index.byCode.get(locationCode.trim().toUpperCase());
      if (!location || (visible && !visible.has(location.id))) throw new NotFoundException(`No location with code ${locationCode}`);
      wanted = location.id;
    }
    return (await this.campaigns.list()).filter(
      (c) => touches(c, visible) && (wanted === undefined || c.locationIds === null || c.locationIds.includes(wanted)),
    );
  }

  /** The campaigns the actor may see, by id and name (report filters). */
  async names(actor: Actor): Promise<{ id: string; name: string }[]> {
    const visible = this.visibleLocationIds(actor, await this.locationsService.index());
    return (await this.campaigns.names()).filter((c) => touches(c, visible)).map(({ id, name }) => ({ id, name }));
  }

  /** One campaign; 404 when it doesn't exist or (for a dealer) touches none of their locations. */
  async get(actor: Actor, id: string): Promise<Campaign> {
    const campaign = isUUID(id) ? await this.campaigns.findById(id) : null;
    if (!campaign || !touches(campaign, this.visibleLocationIds(actor, await this.locationsService.index()))) {
      throw new NotFoundException(`No campaign with id ${id}`);
    }
    return campaign;
  }

  findById(id: string): Promise<Campaign | null> {
    return this.campaigns.findById(id);
  }

  /** Ids of the campaigns that may still send (running or paused). */
  async activeIds(): Promise<string[]> {
    return (await this.campaigns.findByStatus(['running', 'paused'])).map((c) => c.id);
  }

  /** One invitation as the campaign delivers it (the delivery read model): what its email and its page show. */
  delivery(invitationId: string): Promise<DeliveryRow | null> {
    return this.deliveries.load(invitationId);
  }

  /** As `actor` may read it: a dealer sees only their locations in it. */
  async view(campaign: Campaign, actor: Actor): Promise<CampaignView> {
    const index = await this.locationsService.index();
    return toCampaignView(campaign, index, this.visibleLocationIds(actor, index));
  }

  async views(campaigns: Campaign[], actor: Actor): Promise<CampaignView[]> {
    const index = await this.locationsService.index();
    const visible = this.visibleLocationIds(actor, index);
    return campaigns.map((c) => toCampaignView(c, index, visible));
  }

  /** The dealer's location ids, or null for roles that see every location. */
  visibleLocationIds(actor: Actor, index: LocationIndex): Set<string> | null {
    if (!actor.locationCodes) return null;
    return new Set(actor.locationCodes.map((code) => index.byCode.get(code)?.id).filter((id): id is string => !!id));
  }

  async create(actor: Actor, dto: CreateCampaignDto): Promise<Campaign> {
    const index = await this.locationsService.index(0);
    const campaign = this.campaigns.create({
      status: 'draft',
      locationIds: null,
      minScore: 9,
      lookBackDays: 90,
      channels: [...CHANNELS],
      prompt: DEFAULT_PROMPT,
      promptOverrides: null,
      rewardOffer: null,
      startsAt: null,
      endsAt: null,
      sendingHourStart: 9,
      sendingHourEnd: 19,
      reminderAfterDays: null,
      createdBy: actor.id,
      launchedAt: null,
      endedAt: null,
    });
    apply(campaign, dto, index);
    return this.campaigns.transaction(async (manager) => {
      const saved = await this.campaigns.save(campaign, manager);
      await this.audit.record(actor, { action: 'campaign.create', subjectType: 'campaign', subjectId: saved.id }, manager);
      return saved;
    });
  }

  /** Changes a campaign that hasn't ended; a running one applies the change to invitations from now on. */
  async update(actor: Actor, id: string, dto: UpdateCampaignDto): Promise<Campaign> {
    const campaign = await this.get(actor, id);
    if (campaign.status === 'ended') throw new ConflictException('An ended campaign cannot be changed');
    const nulls = NOT_NULL.filter((key) => dto[key] === null);
    if (nulls.length > 0) throw new BadRequestException(nulls.map((key) => `${key} cannot be null`));
    const fields = Object.keys(dto).filter((key) => dto[key as keyof UpdateCampaignDto] !== undefined);
    apply(campaign, dto, await this.locationsService.index(0));
    return this.campaigns.transaction(async (manager) => {
      const saved = await this.campaigns.save(campaign, manager);
      await this.audit.record(actor, { action: 'campaign.update', subjectType: 'campaign', subjectId: id, details: { fields } }, manager);
      return saved;
    });
  }

  async pause(actor: Actor, id: string): Promise<Campaign> {
    await this.get(actor, id);
    return this.move(actor, id, ['running'], 'paused', 'campaign.pause', 'Only a running campaign can be paused');
  }

  /** Back to running: invitations claimed before the pause are queued again, and newly eligible customers invited. */
  async resume(actor: Actor, id: string): Promise<Campaign> {
    await this.get(actor, id);
    const campaign = await this.move(actor, id, ['paused'], 'running', 'campaign.resume', 'Only a paused campaign can be resumed', (manager) =>
      this.outbox.add(manager, CAMPAIGN_FAN_OUT_JOB, { campaignId: id, requeueUnsent: true }),
    );
    this.outbox.kick();
    return campaign;
  }

  /** Ends for good: nothing more is sent, and messages not sent yet give their cap slots back. */
  async end(actor: Actor, id: string): Promise<Campaign> {
    await this.get(actor, id);
    return this.move(actor, id, ['draft', 'running', 'paused'], 'ended', 'campaign.end', 'This campaign has already ended', (manager) =>
      this.invitations.cancelUnsent(manager, id),
    { endedAt: new Date() });
  }

  private async move(
    actor: Actor,
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    action: string,
    refusal: string,
    also?: (manager: EntityManager) => Promise<unknown>,
    extra: Partial<Pick<Campaign, 'launchedAt' | 'endedAt'>> = {},
  ): Promise<Campaign> {
    await this.campaigns.transaction(async (manager) => {
      if (!(await this.campaigns.transition(manager, id, from, to, extra))) throw new ConflictException(refusal);
      await also?.(manager);
      await this.audit.record(actor, { action, subjectType: 'campaign', subjectId: id, details: { status: to } }, manager);
    });
    return (await this.campaigns.findById(id))!;
  }
}

function touches(campaign: Pick<Campaign, 'locationIds'>, visible: Set<string> | null): boolean {
  return !visible || campaign.locationIds === null || campaign.locationIds.some((id) => visible.has(id));
}

/** Writes a validated DTO onto the campaign; unknown location codes and inconsistent dates are refused. */
function apply(campaign: Campaign, dto: UpdateCampaignDto, index: LocationIndex): void {
  const problems: string[] = [];
  const idOf = (code: string) => {
    const id = index.byCode.get(code)?.id;
    if (!id) problems.push(`No location with code ${code}`);
    return id;
  };
  if (dto.name !== undefined) campaign.name = dto.name;
  if (dto.locations !== undefined) {
    campaign.locationIds = dto.locations === 'all' ? null : [...new Set(dto.locations.map(idOf).filter((id): id is string => !!id))];
  }
  if (dto.minScore !== undefined) campaign.minScore = dto.minScore;
  if (dto.lookBackDays !== undefined) campaign.lookBackDays = dto.lookBackDays;
  if (dto.channels !== undefined) campaign.channels = CHANNELS.filter((c) => dto.channels!.includes(c));
  if (dto.prompt !== undefined) campaign.prompt = dto.prompt;
  if (dto.promptOverrides !== undefined) {
    const overrides: Record<string, string> = {};
    for (const [code, prompt] of Object.entries(dto.promptOverrides ?? {})) {
      const id = idOf(code.toUpperCase());
      if (id) overrides[id] = prompt.trim();
    }
    campaign.promptOverrides = Object.keys(overrides).length ? overrides : null;
  }
  if (dto.rewardOffer !== undefined) campaign.rewardOffer = dto.rewardOffer;
  if (dto.startsAt !== undefined) campaign.startsAt = dto.startsAt === null ? null : new Date(dto.startsAt);
  if (dto.endsAt !== undefined) campaign.endsAt = dto.endsAt === null ? null : new Date(dto.endsAt);
  if (dto.sendingHours !== undefined) {
    campaign.sendingHourStart = dto.sendingHours.from;
    campaign.sendingHourEnd = dto.sendingHours.to;
  }
  if (dto.reminderAfterDays !== undefined) campaign.reminderAfterDays = dto.reminderAfterDays;
  if (campaign.sendingHourStart === campaign.sendingHourEnd) problems.push('sendingHours from and to must differ');
  if (campaign.startsAt && campaign.endsAt && campaign.endsAt <= campaign.startsAt) problems.push('endsAt must be after startsAt');
  if (problems.length) throw new BadRequestException(problems);
}
