import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Recommendation } from './recommendation.entity';

export interface RecommendationFilter {
  locationIds?: string[];
  campaignId?: string;
  limit: number;
  offset: number;
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
  list(filter: RecommendationFilter): Promise<Recommendation[]> {
    return this.dataSource.manager.find(Recommendation, {
      where: {
        erasedAt: IsNull(),
        ...(filter.locationIds ? { locationId: In(filter.locationIds) } : {}),
        ...(filter.campaignId ? { campaignId: filter.campaignId } : {}),
      },
      relations: { location: true },
      order: { approvedAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
  }

  /** With its location, for the public page. */
  findWithLocation(id: string): Promise<Recommendation | null> {
    return this.dataSource.manager.findOne(Recommendation, { where: { id }, relations: { location: true } });
  }
}

export function isPublic(r: Recommendation): boolean {
  return !r.withdrawnAt && !r.hiddenAt && !r.erasedAt && r.text !== null;
}
