import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { chunks, dialectOf, inList } from '../database/sql';
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
    const byHash = new Map([...new Set(emails)].map((email) => [emailHash(this.config.hashKey, email), email]));
    if (byHash.size === 0) return erased;
    const dialect = dialectOf(manager);
    // One statement per import batch on PostgreSQL (a parameter per address costs more to bind than to look up).
    const parts =
      dialect === 'postgres'
        ? [await manager.query(`SELECT email_hash FROM erased_email WHERE email_hash = ANY(ARRAY(SELECT json_array_elements_text($1::json)))`, [JSON.stringify([...byHash.keys()])])]
        : await Promise.all(
            chunks([...byHash.keys()], 5000).map((chunk) => manager.query(`SELECT email_hash FROM erased_email WHERE email_hash IN (${inList(dialect, chunk.length)})`, chunk)),
          );
    for (const row of parts.flat() as { email_hash: string }[]) erased.add(byHash.get(row.email_hash)!);
    return erased;
  }
}
