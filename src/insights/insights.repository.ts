import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { dialectOf } from '../database/sql';
import { uuid7 } from '../database/uuid7';
import { DigestDelivery, DigestOptOut, LocationDigestSetting } from './digest.entity';
import { RosterEntry } from './roster-entry.entity';
import { Theme } from './theme.entity';
import { ThemeSeed } from './themes/default-themes';

/** The insights module's tables: themes, rosters and the weekly digest's bookkeeping. */
@Injectable()
export class InsightsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // themes
  async insertMissingThemes(seeds: ThemeSeed[]): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Theme)
      .values(seeds.map((s) => ({ key: s.key, label: s.label, sector: s.sector, terms: s.terms, enabled: true })))
      .orIgnore()
      .execute();
  }

  themes(): Promise<Theme[]> {
    return this.dataSource.getRepository(Theme).find({ order: { key: 'ASC' } });
  }

  theme(key: string, manager: EntityManager = this.dataSource.manager): Promise<Theme | null> {
    return manager.getRepository(Theme).findOneBy({ key });
  }

  async saveTheme(theme: Theme, manager: EntityManager): Promise<Theme> {
    return manager.getRepository(Theme).save(theme);
  }

  // roster
  roster(locationIds: string[]): Promise<RosterEntry[]> {
    if (locationIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(RosterEntry).find({ where: { locationId: In(locationIds) }, order: { firstName: 'ASC' } });
  }

  /** Creates or updates by (location, first name); true when created. */
  async upsertRosterEntry(
    manager: EntityManager,
    entry: { locationId: string; firstName: string; role: string | null; neverMatch: boolean },
  ): Promise<boolean> {
    const repo = manager.getRepository(RosterEntry);
    const nameKey = entry.firstName.toLowerCase();
    const existing = await repo.findOneBy({ locationId: entry.locationId, nameKey });
    if (existing) {
      await repo.update({ id: existing.id }, { firstName: entry.firstName, role: entry.role, neverMatch: entry.neverMatch });
      return false;
    }
    await repo.insert({ id: uuid7(), ...entry, nameKey });
    return true;
  }

  async deleteRosterEntry(locationId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(RosterEntry).delete({ id, locationId });
    return (result.affected ?? 0) > 0;
  }

  // digest
  async digestDisabledLocationIds(): Promise<Set<string>> {
    const rows = await this.dataSource.getRepository(LocationDigestSetting).findBy({ digestEnabled: false });
    return new Set(rows.map((r) => r.locationId));
  }

  async setDigestEnabled(locationId: string, enabled: boolean): Promise<void> {
    await this.dataSource.getRepository(LocationDigestSetting).upsert({ locationId, digestEnabled: enabled }, ['locationId']);
  }

  async optedOut(emails: string[]): Promise<Set<string>> {
    if (emails.length === 0) return new Set();
    const rows = await this.dataSource.getRepository(DigestOptOut).findBy({ email: In(emails) });
    return new Set(rows.map((r) => r.email));
  }

  async optOut(email: string): Promise<void> {
    await this.dataSource.createQueryBuilder().insert().into(DigestOptOut).values({ email }).orIgnore().execute();
  }

  async deliveredTo(locationId: string, week: string): Promise<Set<string>> {
    const rows = await this.dataSource.getRepository(DigestDelivery).findBy({ locationId, week });
    return new Set(rows.map((r) => r.recipient));
  }

  /**
   * Claims the one digest for this recipient and week in the caller's transaction: false when another
   * process (or an earlier run) already has it. The unique key decides, not a read before the write.
   */
  async claimDelivery(manager: EntityManager, locationId: string, recipient: string, week: string): Promise<boolean> {
    const postgres = dialectOf(manager) === 'postgres';
    const ph = (n: number) => (postgres ? `$${n}` : '?');
    const rows: unknown[] = await manager.query(
      `INSERT INTO digest_delivery (id, location_id, recipient, week) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}, ${ph(4)})
       ON CONFLICT (location_id, recipient, week) DO NOTHING RETURNING id`,
      [uuid7(), locationId, recipient, week],
    );
    return rows.length === 1;
  }
}
