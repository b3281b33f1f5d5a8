import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { ApiKey } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKey) private readonly repo: Repository<ApiKey>) {}

  /** Newest first, revoked ones included (they show when they were revoked). */
  list(): Promise<ApiKey[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.repo.findOneBy({ id });
  }

  /** A key that is not revoked, by the hash of its plain value. */
  findActiveByHash(keyHash: string): Promise<ApiKey | null> {
    return this.repo.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  async insert(values: Pick<ApiKey, 'name' | 'prefix' | 'keyHash' | 'createdBy'>, manager: EntityManager): Promise<ApiKey> {
    const saved = await manager.save(ApiKey, manager.create(ApiKey, values));
    return (await manager.findOneBy(ApiKey, { id: saved.id }))!;
  }

  /** Sets revoked_at unless already set; true when this call revoked it. */
  async revoke(id: string, at: Date, manager: EntityManager): Promise<boolean> {
    const result = await manager.update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records use, but writes at most once per `minInterval` per key: the condition makes concurrent
   * requests (in this or other processes) harmless, and most requests skip the write altogether.
   */
  async touchLastUsed(id: string, at: Date, minIntervalMs: number): Promise<void> {
    const cutoff = new Date(at.getTime() - minIntervalMs);
    await this.repo
      .createQueryBuilder()
      .update(ApiKey)
      .set({ lastUsedAt: at })
      .where('id = :id', { id })
      .andWhere('(last_used_at IS NULL OR last_used_at < :cutoff)', { cutoff })
      .execute();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
