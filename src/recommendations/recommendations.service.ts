import { Injectable, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { windowOf } from '../feedback/dto/segments.dto';
import { scopedLocationIds } from '../feedback/scope';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';
import { SharesService } from '../sharing/shares.service';
import { ApprovalRequest } from './approval-request.entity';
import { Recommendation } from './recommendation.entity';
import { QuoteCards } from './quote-card';
import { isPublic, RecommendationsRepository } from './recommendations.repository';

export type RecommendationStatus = 'public' | 'withdrawn' | 'hidden';

/** The staff filters: location code, campaign id, status, and approval dates (`from`/`to` as for NPS). */
export interface RecommendationsQuery {
  location?: string;
  campaign?: string;
  status?: RecommendationStatus;
  from?: string;
  to?: string;
}

export interface RecommendationView {
  id: string;
  locationCode: string;
  locationName: string;
  campaignId: string;
  authorName: string | null;
  text: string;
  textHash: string;
  channels: string[];
  rewardAccepted: boolean;
  approvedAt: Date;
  status: RecommendationStatus;
  hiddenReason: string | null;
}

export const RECOMMENDATION_CSV_COLUMNS: (keyof RecommendationView)[] = [
  'id', 'locationCode', 'campaignId', 'authorName', 'text', 'channels', 'rewardAccepted', 'approvedAt', 'status', 'hiddenReason',
];

/** What `/p/:id` shows: the recommendation, or that it is gone (410), or nothing (404). */
export type PublicRecommendation =
  | { state: 'public'; recommendation: Recommendation & { text: string }; location: Location }
  | { state: 'gone' }
  | { state: 'missing' };

/**
 * Recommendations after approval: staff read them and may hide one from public pages (never edit one);
 * the customer may withdraw theirs; public pages read the public ones.
 */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly recommendations: RecommendationsRepository,
    private readonly locations: LocationsService,
    private readonly shares: SharesService,
    private readonly audit: AuditService,
    private readonly cards: QuoteCards,
  ) {}

  async list(actor: Actor, query: RecommendationsQuery & { limit?: number; offset?: number }): Promise<RecommendationView[]> {
    const filter = await this.filter(actor, query);
    const rows = await this.recommendations.list({ ...filter, limit: query.limit ?? 100, offset: query.offset ?? 0 });
    return rows.map(toView);
  }

  /** How many match: approved in a window, for a location's or the home page's figures. */
  async count(actor: Actor, query: RecommendationsQuery): Promise<number> {
    return this.recommendations.count(await this.filter(actor, query));
  }

  private async filter(actor: Actor, query: RecommendationsQuery) {
    const locationIds = await scopedLocationIds(this.locations, actor, query.location);
    return { locationIds, campaignId: query.campaign, status: query.status, ...windowOf(query) };
  }

  /** True when the invitation's customer approved a recommendation through it. */
  async existsForInvitation(invitationId: string): Promise<boolean> {
    return (await this.recommendations.findByInvitation(invitationId)) !== null;
  }

  /** Takes it off public pages (its tracked links answer 410); audited, the reason kept on the recommendation. */
  async hide(actor: Actor, id: string, reason: string): Promise<RecommendationView> {
    return this.setHidden(actor, id, reason);
  }

  async unhide(actor: Actor, id: string): Promise<RecommendationView> {
    return this.setHidden(actor, id, null);
  }

  /**
   * The customer withdraws their recommendation: public page and links answer 410 and an X post made
   * through Goodword is deleted. False when it isn't theirs.
   */
  async withdraw(customerId: string, id: string): Promise<boolean> {
    if (!isUUID(id)) return false;
    const done = await this.recommendations.transaction(async (manager) => {
      const row = await this.recommendations.findById(id, manager);
      if (!row || row.customerId !== customerId || row.erasedAt) return false;
      if (row.withdrawnAt) return true;
      await manager.update(Recommendation, { id }, { withdrawnAt: new Date() });
      await this.shares.stopAll(manager, id);
      await this.audit.record(
        { type: 'customer', id: customerId },
        { action: 'recommendation.withdraw', subjectType: 'recommendation', subjectId: id },
        manager,
      );
      return true;
    });
    if (done) {
      this.shares.kick();
      this.cards.forget(id);
    }
    return done;
  }

  /**
   * Erasing a customer (privacy): their recommendations leave every page and link, a post made through
   * Goodword on X is deleted (queued: call `kick()` after the commit; the X connection keeps its tokens until
   * then and loses the account's name and id now), their words, name and the approving request are cleared.
   * The hash and times stay, with nothing left that identifies them. Runs in the caller's transaction.
   */
  async eraseForCustomer(manager: EntityManager, customerId: string, options: { deleteXPosts?: boolean } = {}): Promise<number> {
    const rows = await manager.find(Recommendation, { where: { customerId, erasedAt: IsNull() } });
    for (const row of rows) {
      await this.shares.stopAll(manager, row.id, options);
      await manager.delete(ApprovalRequest, { recommendationId: row.id });
      await manager.update(Recommendation, { id: row.id }, { text: null, authorName: null, hiddenReason: null, erasedAt: new Date() });
      this.cards.forget(row.id);
    }
    await this.shares.eraseForCustomer(manager, customerId, { deletingXPosts: options.deleteXPosts !== false });
    return rows.length;
  }

  kick(): void {
    this.shares.kick();
  }

  /** Retention: where approvals came from (IP address, browser) is deleted after the retention period; the hash and time stay. */
  async purgeApprovalRequestsBefore(cutoff: Date): Promise<number> {
    const result = await this.recommendations.transaction((manager) =>
      manager.createQueryBuilder().delete().from(ApprovalRequest).where('created_at < :cutoff', { cutoff }).execute(),
    );
    return result.affected ?? 0;
  }

  listForCustomer(customerId: string): Promise<Recommendation[]> {
    return this.recommendations.listForCustomer(customerId);
  }

  async publicView(id: string): Promise<PublicRecommendation> {
    if (!isUUID(id)) return { state: 'missing' };
    const row = await this.recommendations.findWithLocation(id);
    if (!row) return { state: 'missing' };
    if (!isPublic(row)) return { state: 'gone' };
    return { state: 'public', recommendation: row as Recommendation & { text: string }, location: row.location! };
  }

  /** A location's public page: null for an unknown code. */
  async locationPage(code: string): Promise<{ location: Location; recommendations: Recommendation[] } | null> {
    if (!/^[A-Za-z0-9._-]{1,32}$/.test(code)) return null;
    const location = await this.locations.findByCode(code.toUpperCase());
    if (!location) return null;
    return { location, recommendations: await this.recommendations.listPublicForLocation(location.id, 20) };
  }

  private async setHidden(actor: Actor, id: string, reason: string | null): Promise<RecommendationView> {
    const row = await this.findForStaff(actor, id);
    const hide = reason !== null;
    if (Boolean(row.hiddenAt) === hide) return toView(row);
    await this.recommendations.transaction(async (manager) => {
      await manager.update(Recommendation, { id }, hide ? { hiddenAt: new Date(), hiddenReason: reason } : { hiddenAt: null, hiddenReason: null });
      // A withdrawn recommendation's links stay off whatever staff do.
      if (!row.withdrawnAt) await this.shares.setLinksEnabled(manager, id, !hide);
      // Audited without the reason: it is free text (often about a person), kept on the row, which erasure
      // clears; the append-only log could never forget it.
      await this.audit.record(actor, { action: hide ? 'recommendation.hide' : 'recommendation.unhide', subjectType: 'recommendation', subjectId: id }, manager);
    });
    if (hide) this.cards.forget(id);
    return toView((await this.findForStaff(actor, id)));
  }

  /** A dealer asking for another location's recommendation gets the same 404 as for a missing one. */
  private async findForStaff(actor: Actor, id: string): Promise<Recommendation> {
    const row = isUUID(id) ? await this.recommendations.findWithLocation(id) : null;
    if (!row || row.erasedAt || (actor.locationCodes && !actor.locationCodes.includes(row.location!.code))) {
      throw new NotFoundException(`No recommendation with id ${id}`);
    }
    return row;
  }
}

function toView(r: Recommendation): RecommendationView {
  return {
    id: r.id,
    locationCode: r.location?.code ?? '',
    locationName: r.location?.name ?? '',
    campaignId: r.campaignId,
    authorName: r.authorName,
    text: r.text ?? '',
    textHash: r.textHash,
    channels: r.channels,
    rewardAccepted: r.rewardAccepted,
    approvedAt: r.approvedAt,
    status: r.withdrawnAt ? 'withdrawn' : r.hiddenAt ? 'hidden' : 'public',
    hiddenReason: r.hiddenReason,
  };
}
