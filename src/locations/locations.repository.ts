import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Location } from './location.entity';

@Injectable()
export class LocationsRepository {
  constructor(@InjectRepository(Location) private readonly repo: Repository<Location>) {}

  findByCode(code: string): Promise<Location | null> {
    return this.repo.findOneBy({ code: code.toUpperCase() });
  }

  /** All locations, or only those whose codes are given (a dealer's scope). */
  list(codes?: string[]): Promise<Location[]> {
    return this.repo.find({ where: codes ? { code: In(codes) } : {}, order: { code: 'ASC' } });
  }

  existingCodes(codes: string[], manager: EntityManager = this.repo.manager): Promise<Set<string>> {
    return manager
      .find(Location, { select: { code: true }, where: { code: In(codes) } })
      .then((rows) => new Set(rows.map((r) => r.code)));
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  save(location: Location, manager: EntityManager = this.repo.manager): Promise<Location> {
    return manager.save(Location, location);
  }

  create(values: Partial<Location>): Location {
    return this.repo.create(values);
  }

  /**
   * Insert new codes and update existing ones, overwriting only the given fields: re-importing a
   * locations file is safe, and a column missing from the file keeps its stored values.
   */
  async upsertFromImport(rows: Partial<Location>[], fields: (keyof Location)[], manager: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    const metadata = manager.connection.getMetadata(Location);
    const columns = fields
      .filter((field) => field !== 'code')
      .map((field) => metadata.findColumnWithPropertyName(field)!.databaseName);
    const now = new Date();
    await manager
      .createQueryBuilder()
      .insert()
      .into(Location)
      .values(rows.map((row) => ({ ...row, updatedAt: now })))
      .orUpdate([...columns, 'updated_at'], ['code'])
      .execute();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
