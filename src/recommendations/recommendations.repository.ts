import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, SelectQueryBuilder } from 'typeorm';
import { dbTime, dialectOf } from '../database/sql';
import { Recommendation } from './recommendation.entity';

export interface RecommendationFilter {
  locationIds?: string[];
  campaignId?: string;
  status?: 'public' | 'hidden' | 'withdrawn';
  /** Approved at or after. */
  from?: Date;
  /** Approved before. */
  to?: Date;
}

/** Public means: approved, and not withdrawn, hidden or erased. */
const PUBLIC = { withdrawnAt: IsNull(), hiddenAt: IsNull(), erasedAt: IsNull() } as const;

@Injectable()
export class RecommendationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Recommendation | null> {
    return manager.findOneBy(Recommendation, { id });
  }

  findByInvitation(invitationId: string, manager: EntityManager = this.dataSource.manager): Promise<Recommendation | null> {
    return manager.findOneBy(Recommendation, { invitationId });
  }

  /** The customer's own, newest first (their withdrawal page). */
  listForCustomer(customerId: string): Promise<Recommendation[]> {
    return this.dataSource.manager.find(Recommendation, {
      where: { customerId, erasedAt: IsNull() },
      relations: { location: true },
      order: { approvedAt: 'DESC' },
    });
  }

  /** The latest public recommendations of a location (its public page). */
  listPublicForLocation(locationId: string, limit: number): Promise<Recommendation[]> {
    return this.dataSource.manager.find(Recommendation, {
      where: { locationId, ...PUBLIC },
      order: { approvedAt: 'DESC' },
      take: limit,
    });
  }

  /** For staff, newest first, with the location (code and name). */
  list(filter: RecommendationFilter & { limit: number; offset: number }): Promise<Recommendation[]> {
    if (filter.locationIds?.length === 0) return Promise.resolve([]);
    return this.staffQuery(filter)
      .leftJoinAndSelect('r.location', 'location')
      .orderBy('r.approvedAt', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset)
      .getMany();
  }

  /** How many match (the home page's "approved in the last 30 days"). */
  count(filter: RecommendationFilter): Promise<number> {
    if (filter.locationIds?.length === 0) return Promise.resolve(0);
    return this.staffQuery(filter).getCount();
  }

  private staffQuery(filter: RecommendationFilter): SelectQueryBuilder<Recommendation> {
    const dialect = dialectOf(this.dataSource.manager);
    const query = this.dataSource.getRepository(Recommendation).createQueryBuilder('r').where('r.erasedAt IS NULL');
    if (filter.locationIds) query.andWhere('r.locationId IN (:...locationIds)', { locationIds: filter.locationIds });
    if (filter.campaignId) query.andWhere('r.campaignId = :campaignId', { campaignId: filter.campaignId });
    if (filter.status === 'public') query.andWhere('r.withdrawnAt IS NULL AND r.hiddenAt IS NULL');
    if (filter.status === 'hidden') query.andWhere('r.withdrawnAt IS NULL AND r.hiddenAt IS NOT NULL');
    if (filter.status === 'withdrawn') query.andWhere('r.withdrawnAt IS NOT NULL');
    // Bound as the dialect stores times (SQLite compares text), as the raw-SQL repositories do.
    if (filter.from) query.andWhere('r.approvedAt >= :from', { from: dbTime(dialect, filter.from) });
    if (filter.to) query.andWhere('r.approvedAt < :to', { to: dbTime(dialect, filter.to) });
    return query;
  }

  /** With its location, for the public page. */
  findWithLocation(id: string): Promise<Recommendation | null> {
    return this.dataSource.manager.findOne(Recommendation, { where: { id }, relations: { location: true } });
  }
}

export function isPublic(r: Recommendation): boolean {
  return !r.withdrawnAt && !r.hiddenAt && !r.erasedAt && r.text !== null;
}
