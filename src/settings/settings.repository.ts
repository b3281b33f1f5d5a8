import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Setting, SettingValue } from './setting.entity';

@Injectable()
export class SettingsRepository {
  constructor(@InjectRepository(Setting) private readonly repo: Repository<Setting>) {}

  all(): Promise<Setting[]> {
    return this.repo.find();
  }

  async put(values: Record<string, SettingValue>, manager: EntityManager): Promise<void> {
    const now = new Date();
    const rows = Object.entries(values).map(([key, value]) => ({ key, value, updatedAt: now }));
    if (rows.length > 0) await manager.upsert(Setting, rows, ['key']);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
