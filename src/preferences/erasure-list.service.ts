import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { chunks } from '../database/sql';
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
    for (const chunk of chunks([...new Set(emails)], 1000)) {
      const byHash = new Map(chunk.map((email) => [emailHash(this.config.hashKey, email), email]));
      const rows = await manager.find(ErasedEmail, { select: { emailHash: true }, where: { emailHash: In([...byHash.keys()]) } });
      for (const row of rows) erased.add(byHash.get(row.emailHash)!);
    }
    return erased;
  }
}
