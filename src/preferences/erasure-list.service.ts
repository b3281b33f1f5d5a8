import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { rowsAmong } from '../database/sql';
import { ErasedEmail } from './erased-email.entity';
import { PreferenceToken } from './preference-token.entity';
import { emailHash } from './tokens';

/** Addresses erased on request, by HMAC (see ErasedEmail), and the preference side of an erasure. */
@Injectable()
export class ErasureList {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Records the address as erased and revokes the customer's preference token (old emails' links stop working). */
  async add(manager: EntityManager, customerId: string | null, email: string): Promise<void> {
    await manager.createQueryBuilder().insert().into(ErasedEmail).values({ emailHash: emailHash(this.config.hashKey, email) }).orIgnore().execute();
    if (customerId) await manager.update(PreferenceToken, { customerId }, { revokedAt: new Date() });
  }

  /** Which of these addresses were erased on request. */
  async erasedAmong(emails: string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const erased = new Set<string>();
    // Usually nobody was erased: then an import batch skips an HMAC per address and a lookup of thousands of hashes.
    if (emails.length === 0 || (await manager.query(`SELECT 1 FROM erased_email LIMIT 1`)).length === 0) return erased;
    const byHash = new Map([...new Set(emails)].map((email) => [emailHash(this.config.hashKey, email), email]));
    const rows = await rowsAmong<{ email_hash: string }>(manager, [...byHash.keys()], 'email_hash', (among) => `SELECT email_hash FROM erased_email WHERE ${among}`);
    for (const row of rows) erased.add(byHash.get(row.email_hash)!);
    return erased;
  }
}
