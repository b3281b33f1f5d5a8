import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { chunks, dialectOf, SqlParams } from '../database/sql';
import { Suppression, SuppressionSource } from './suppression.entity';
import { emailHash } from './tokens';

/** The opt-out list, keyed by HMAC of the normalised address (see Suppression). */
@Injectable()
export class SuppressionList {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  hash(email: string): string {
    return emailHash(this.config.hashKey, email);
  }

  /** Adds the address (linked to the customer); true when it was not on the list yet. */
  async add(manager: EntityManager, customerId: string, email: string, source: SuppressionSource): Promise<boolean> {
    const hash = this.hash(email);
    if (await manager.existsBy(Suppression, { emailHash: hash })) {
      // An earlier opt-out (maybe before an erasure): make sure it points at today's customer.
      await manager.update(Suppression, { emailHash: hash }, { customerId });
      return false;
    }
    await manager.createQueryBuilder().insert().into(Suppression).values({ emailHash: hash, customerId, source }).orIgnore().execute();
    return true;
  }

  /** Takes the address off the list (the customer turned marketing email back on); true when it was on it. */
  async remove(manager: EntityManager, email: string): Promise<boolean> {
    const result = await manager.delete(Suppression, { emailHash: this.hash(email) });
    return (result.affected ?? 0) > 0;
  }

  async isSuppressed(email: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return manager.existsBy(Suppression, { emailHash: this.hash(email) });
  }

  /**
   * Which of these customers' addresses are suppressed, by HMAC (the authority: it also catches an
   * entry whose customer row was erased and later re-created). Such entries are re-linked to the
   * current customer id so the set-based eligibility queries see them from now on.
   */
  async suppressedAmong(customers: { id: string; email: string | null }[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const suppressed = new Set<string>();
    for (const entry of await this.entriesFor(customers, manager)) {
      suppressed.add(entry.customerId);
      if (!entry.linked) await manager.update(Suppression, { emailHash: entry.emailHash }, { customerId: entry.customerId });
    }
    return suppressed;
  }

  /** As `suppressedAmong`, but only reads (pages and views): which of these customers' addresses are suppressed. */
  async optedOutAmong(customers: { id: string; email: string | null }[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    return new Set((await this.entriesFor(customers, manager)).map((entry) => entry.customerId));
  }

  /** As `suppressedAmong`, but only reads: the ids of those customers whose entry is not linked to them. */
  async unlinkedAmong(customers: { id: string; email: string | null }[], manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    return (await this.entriesFor(customers, manager)).filter((entry) => !entry.linked).map((entry) => entry.customerId);
  }

  private async entriesFor(
    customers: { id: string; email: string | null }[],
    manager: EntityManager,
  ): Promise<{ customerId: string; emailHash: string; linked: boolean }[]> {
    const found: { customerId: string; emailHash: string; linked: boolean }[] = [];
    // A customer without an address (a response that came without one) can't be on the list.
    const addressed = customers.filter((c): c is { id: string; email: string } => c.email !== null);
    for (const chunk of chunks(addressed, 1000)) {
      const byHash = new Map(chunk.map((c) => [this.hash(c.email), c.id]));
      // Raw SQL: the fan-out runs this for every batch of 500 customers it invites.
      const p = new SqlParams(dialectOf(manager));
      const rows: { email_hash: string; customer_id: string | null }[] = await manager.query(
        `SELECT email_hash, customer_id FROM suppression WHERE email_hash ${p.inIds([...byHash.keys()], 'text')}`,
        p.values,
      );
      for (const row of rows) {
        const customerId = byHash.get(row.email_hash)!;
        found.push({ customerId, emailHash: row.email_hash, linked: row.customer_id === customerId });
      }
    }
    return found;
  }

  /** True when some entries are linked to no customer (their row was erased): eligibility then checks by HMAC too. */
  hasUnlinked(manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return manager
      .createQueryBuilder(Suppression, 's')
      .where('s.customer_id IS NULL')
      .getExists();
  }
}
