import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Actor } from '../common/actor';
import { isUniqueViolation } from '../common/database/unique-violation';
import { SettingsService } from '../settings/settings.service';
import { CreateRewardOfferDto, PoolUploadResult, RewardCountsDto, RewardOfferView, RewardReportDto, UpdateRewardOfferDto } from './dto/reward-offer.dto';
import { RewardsReportReadModel } from './rewards-report.read-model';
import { parsePoolFile } from './reward-codes';
import { DEFAULT_DISCLOSURE, RewardOffer } from './reward-offer.entity';
import { RewardsRepository } from './rewards.repository';

/** The fields an offer is made of; once a code is issued only `budget` (up) and `expiresAt` (later) may change. */
const FIELDS = ['description', 'terms', 'expiresAt', 'budget', 'codeSource', 'codePrefix', 'disclosure'] as const;
type OfferFields = Pick<RewardOffer, (typeof FIELDS)[number]>;

/** `{brand}` in an offer's disclosure line, filled in. */
export function disclosureTextOf(template: string, brandName: string): string {
  return template.replace(/\{brand\}/g, brandName);
}

/**
 * A campaign's reward offer (principle 4): made and changed by admins and marketers, read by whoever may
 * see the campaign. What it offers can't change under advocates who were promised it: once a code is
 * out, only the budget may grow and the expiry move later.
 */
@Injectable()
export class RewardOffersService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly campaigns: CampaignsService,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly reportModel: RewardsReportReadModel,
  ) {}

  /**
   * Per location of the campaign (a dealer's own only) and in total: offered, opted in, issued, redeemed,
   * expired, voided, and the budget left.
   */
  async report(actor: Actor, campaignId: string, now = new Date()): Promise<RewardReportDto> {
    const offer = await this.get(actor, campaignId);
    const campaign = await this.campaigns.get(actor, campaignId);
    const index = await this.campaigns.locations();
    const visible = this.campaigns.visibleLocationIds(actor, index);
    const scope = index.scope(campaign.locationIds).filter((lid) => !visible || visible.has(lid));
    const rows = new Map((await this.reportModel.countsByLocation(campaignId, offer.id, offer.expiresAt, now)).map((r) => [r.locationId, r]));
    const zero = (): RewardCountsDto => ({ offered: 0, optedIn: 0, issued: 0, redeemed: 0, expired: 0, voided: 0 });
    const totals = zero();
    const locations = scope
      .map((lid) => {
        const { locationId: _, ...counts } = rows.get(lid) ?? { locationId: lid, ...zero() };
        for (const key of Object.keys(totals) as (keyof RewardCountsDto)[]) totals[key] += counts[key];
        const location = index.byId.get(lid)!;
        return { code: location.code, name: location.name, ...counts };
      })
      .sort((a, b) => a.code.localeCompare(b.code));
    const view = await this.view(offer);
    return { campaignId, ...totals, remainingBudget: view.remaining, locations };
  }

  /** The campaign's offer; 404 when the campaign isn't visible to the actor or has none. */
  async get(actor: Actor, campaignId: string): Promise<RewardOffer> {
    await this.campaigns.get(actor, campaignId);
    const offer = await this.rewards.offerForCampaign(campaignId);
    if (!offer) throw new NotFoundException('This campaign has no reward offer');
    return offer;
  }

  /** The offer or null (pages show a form to make one). */
  async find(actor: Actor, campaignId: string): Promise<RewardOffer | null> {
    await this.campaigns.get(actor, campaignId);
    return this.rewards.offerForCampaign(campaignId);
  }

  async create(actor: Actor, campaignId: string, dto: CreateRewardOfferDto): Promise<RewardOffer> {
    const campaign = await this.campaigns.get(actor, campaignId);
    if (campaign.status === 'ended') throw new ConflictException('An ended campaign can’t get a reward offer');
    const fields = fieldsOf(dto);
    checkSource(fields);
    try {
      return await this.rewards.transaction(async (manager) => {
        const offer = await this.rewards.insertOffer(manager, { ...fields, campaignId, createdBy: actor.id });
        await this.audit.record(actor, { action: 'reward_offer.create', subjectType: 'reward_offer', subjectId: offer.id, details: { campaignId, budget: offer.budget, codeSource: offer.codeSource } }, manager);
        return offer;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('This campaign has a reward offer already: change it instead');
      throw error;
    }
  }

  async update(actor: Actor, campaignId: string, dto: UpdateRewardOfferDto): Promise<RewardOffer> {
    const current = await this.get(actor, campaignId);
    const next: OfferFields = { ...pick(current), ...fieldsOf(dto, current) };
    if (next.codeSource === 'pool' && dto.codePrefix === undefined) next.codePrefix = null;
    checkSource(next);
    const changed = FIELDS.filter((f) => !same(current[f], next[f]));
    if (changed.length === 0) return current;
    return this.rewards.transaction(async (manager) => {
      const switchedFromPool = current.codeSource === 'pool' && next.codeSource !== 'pool';
      if (!(await this.rewards.updateUnlocked(manager, current.id, next))) {
        // A code is out (perhaps issued a moment ago): only a larger budget and a later expiry.
        const locked = await this.rewards.offerForCampaign(campaignId, manager);
        const refused = changed.filter((f) => f !== 'budget' && f !== 'expiresAt');
        if (refused.length > 0) {
          throw new ConflictException(`A code has been issued, so the offer can’t change any more (only a larger budget or a later expiry): ${refused.join(', ')}`);
        }
        if (next.budget < locked!.budget) throw new ConflictException('A code has been issued: the budget can grow but not shrink');
        if (!expiresNoSooner(locked!.expiresAt, next.expiresAt)) throw new ConflictException('A code has been issued: the expiry can move later but not sooner');
        await this.rewards.updateLocked(manager, current.id, { budget: next.budget, expiresAt: next.expiresAt });
        if (next.budget > locked!.budget) await this.rewards.resetAlerts(manager, current.id);
      } else if (switchedFromPool) {
        await this.rewards.deleteAvailableCodes(manager, current.id);
      }
      await this.audit.record(actor, { action: 'reward_offer.update', subjectType: 'reward_offer', subjectId: current.id, details: { campaignId, changed } }, manager);
      return (await this.rewards.offerForCampaign(campaignId, manager))!;
    });
  }

  async remove(actor: Actor, campaignId: string): Promise<void> {
    const offer = await this.get(actor, campaignId);
    await this.rewards.transaction(async (manager) => {
      if (!(await this.rewards.deleteUnlocked(manager, offer.id))) throw new ConflictException('A code has been issued: the offer can’t be removed');
      await this.audit.record(actor, { action: 'reward_offer.delete', subjectType: 'reward_offer', subjectId: offer.id, details: { campaignId } }, manager);
    });
  }

  /**
   * Adds a pool file's codes: all of them or none. Blank lines, malformed codes, duplicates in the file and
   * codes already stored are refused with their line numbers. More codes can be added after codes are out
   * (it changes nothing an advocate was promised).
   */
  async uploadPool(actor: Actor, campaignId: string, text: string): Promise<PoolUploadResult> {
    const offer = await this.get(actor, campaignId);
    if (offer.codeSource !== 'pool') throw new ConflictException('This offer generates its codes: switch it to a pool to upload codes');
    const { codes, problems } = parsePoolFile(text);
    const known = await this.rewards.existingCodes(codes.map((c) => c.code));
    for (const { line, code } of codes) if (known.has(code)) problems.push({ line, reason: 'This code is in use already.' });
    if (problems.length > 0) {
      throw new BadRequestException(problems.sort((a, b) => a.line - b.line).slice(0, 100).map((p) => `Line ${p.line}: ${p.reason}`));
    }
    try {
      await this.rewards.transaction(async (manager) => {
        await this.rewards.insertPoolCodes(manager, offer.id, codes.map((c) => c.code));
        await this.rewards.resetAlerts(manager, offer.id);
        await this.audit.record(actor, { action: 'reward_offer.pool_upload', subjectType: 'reward_offer', subjectId: offer.id, details: { campaignId, added: codes.length } }, manager);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('Some of these codes were stored by another upload just now: upload the file again to see which');
      throw error;
    }
    return { added: codes.length, poolAvailable: await this.rewards.countAvailable(offer.id) };
  }

  async view(offer: RewardOffer): Promise<RewardOfferView> {
    const poolAvailable = offer.codeSource === 'pool' ? await this.rewards.countAvailable(offer.id) : null;
    const budgetLeft = offer.budget - offer.reserved;
    return {
      id: offer.id,
      campaignId: offer.campaignId,
      description: offer.description,
      terms: offer.terms,
      expiresAt: offer.expiresAt ? new Date(offer.expiresAt).toISOString() : null,
      budget: offer.budget,
      issued: offer.reserved,
      remaining: poolAvailable === null ? budgetLeft : Math.min(budgetLeft, poolAvailable),
      codeSource: offer.codeSource,
      codePrefix: offer.codePrefix,
      poolAvailable,
      disclosure: offer.disclosure,
      disclosureText: disclosureTextOf(offer.disclosure, (await this.settings.get()).brandName),
      locked: offer.reserved > 0,
      createdAt: new Date(offer.createdAt).toISOString(),
      updatedAt: new Date(offer.updatedAt).toISOString(),
    };
  }
}

/** The DTO's values as stored; omitted fields take `base`'s (an update) or the defaults (a new offer). */
function fieldsOf(dto: UpdateRewardOfferDto, base?: RewardOffer): Partial<OfferFields> {
  const out: Partial<OfferFields> = {};
  if (dto.description !== undefined) out.description = dto.description;
  if (dto.terms !== undefined || !base) out.terms = dto.terms ?? '';
  if (dto.expiresAt !== undefined || !base) out.expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
  if (dto.budget !== undefined) out.budget = dto.budget;
  if (dto.codeSource !== undefined) out.codeSource = dto.codeSource;
  if (dto.codePrefix !== undefined || !base) out.codePrefix = dto.codePrefix ?? null;
  if (dto.disclosure !== undefined || !base) out.disclosure = dto.disclosure ?? DEFAULT_DISCLOSURE;
  return out;
}

function checkSource(fields: Partial<OfferFields>): void {
  if (fields.codeSource === 'pool' && fields.codePrefix) throw new BadRequestException(['codePrefix is for generated codes only']);
}

function pick(offer: RewardOffer): OfferFields {
  return Object.fromEntries(FIELDS.map((f) => [f, offer[f]])) as OfferFields;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a !== null && b !== null && a !== undefined && b !== undefined && new Date(a as Date).getTime() === new Date(b as Date).getTime();
  return a === b;
}

/** null is "never expires": the latest there is. */
function expiresNoSooner(current: Date | null, next: Date | null): boolean {
  if (next === null) return true;
  if (current === null) return false;
  return new Date(next).getTime() >= new Date(current).getTime();
}
