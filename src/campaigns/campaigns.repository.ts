import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Campaign, CampaignStatus } from './campaign.entity';

@Injectable()
export class CampaignsRepository {
  constructor(@InjectRepository(Campaign) private readonly repo: Repository<Campaign>) {}

  findById(id: string, manager: EntityManager = this.repo.manager): Promise<Campaign | null> {
    return manager.findOneBy(Campaign, { id });
  }

  /** Newest first. */
  list(): Promise<Campaign[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  /** Id, name and locations only, newest first: what a filter's picker needs (no hydration of settings and texts). */
  names(): Promise<Pick<Campaign, 'id' | 'name' | 'locationIds'>[]> {
    return this.repo.find({ select: { id: true, name: true, locationIds: true }, order: { createdAt: 'DESC' } });
  }

  findByStatus(statuses: CampaignStatus[]): Promise<Campaign[]> {
    return this.repo.find({ where: { status: In(statuses) }, order: { createdAt: 'ASC' } });
  }

  create(values: Partial<Campaign>): Campaign {
    return this.repo.create(values);
  }

  save(campaign: Campaign, manager: EntityManager = this.repo.manager): Promise<Campaign> {
    return manager.save(Campaign, campaign);
  }

  /**
   * Moves the campaign from one of `from` to `to` (and sets `extra`); false when it wasn't in one of
   * them, so two racing requests can't both launch or end it.
   */
  async transition(
    manager: EntityManager,
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    extra: Partial<Pick<Campaign, 'launchedAt' | 'endedAt'>> = {},
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Campaign)
      .set({ ...extra, status: to, updatedAt: new Date() })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
