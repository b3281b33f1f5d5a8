import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { chunks, dialectOf, SqlParams } from '../database/sql';
import { PreferenceToken } from './preference-token.entity';
import { hashToken, isTokenShaped, newToken, sealToken, unsealToken } from './tokens';

/** One long-lived, revocable preference token per customer (see PreferenceToken). */
@Injectable()
export class PreferenceTokens {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Gives every listed customer a token if they have none (one statement per chunk; the fan-out
   * calls this for each batch it invites). Existing tokens, revoked or not, are left alone.
   */
  async ensure(customerIds: string[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (customerIds.length === 0) return;
    const dialect = dialectOf(manager);
    for (const chunk of chunks(customerIds, 500)) {
      const find = new SqlParams(dialect);
      const have: { customer_id: string }[] = await manager.query(
        `SELECT customer_id FROM preference_token WHERE customer_id ${find.inIds(chunk)}`,
        find.values,
      );
      const known = new Set(have.map((row) => row.customer_id));
      const missing = chunk.filter((id) => !known.has(id));
      if (missing.length === 0) continue;
      const rows = missing.map((customerId) => this.fresh(customerId));
      if (dialect === 'postgres') {
        await manager.query(
          `INSERT INTO preference_token (customer_id, token_hash, token_sealed)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
          [rows.map((r) => r.customerId), rows.map((r) => r.tokenHash), rows.map((r) => r.tokenSealed)],
        );
      } else {
        await manager.createQueryBuilder().insert().into(PreferenceToken).values(rows).orIgnore().updateEntity(false).execute();
      }
    }
  }

  /** The raw token from a stored sealed value, or null when it can't be opened (ENCRYPTION_KEY changed). */
  open(sealed: string): string | null {
    return unsealToken(this.config.encryptionKey, sealed);
  }

  /**
   * The customer's token for a new email: the existing one, or a new one when they have none, theirs
   * was revoked, or it can't be opened any more. Concurrent callers end up with the same token.
   */
  async reveal(customerId: string, manager: EntityManager = this.dataSource.manager): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await manager.findOneBy(PreferenceToken, { customerId });
      if (!row) {
        await manager.createQueryBuilder().insert().into(PreferenceToken).values(this.fresh(customerId)).orIgnore().execute();
        continue;
      }
      const token = row.revokedAt ? null : this.open(row.tokenSealed);
      if (token) return token;
      // Replace only the row we read: if someone else replaced it meanwhile, we read theirs next time round.
      const next = this.fresh(customerId);
      await manager.update(
        PreferenceToken,
        { customerId, tokenHash: row.tokenHash },
        { tokenHash: next.tokenHash, tokenSealed: next.tokenSealed, revokedAt: null, createdAt: new Date() },
      );
    }
    throw new Error(`could not issue a preference token for customer ${customerId}`);
  }

  /** The customer a token belongs to, or null for an unknown or revoked one. */
  async resolve(token: unknown): Promise<string | null> {
    if (!isTokenShaped(token)) return null;
    const row = await this.dataSource.manager.findOneBy(PreferenceToken, { tokenHash: hashToken(token) });
    return row && !row.revokedAt ? row.customerId : null;
  }

  /** Ends the current token: its links get the "not valid" page; the next email carries a new one. */
  async revoke(customerId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(PreferenceToken, { customerId }, { revokedAt: new Date() });
  }

  private fresh(customerId: string): Pick<PreferenceToken, 'customerId' | 'tokenHash' | 'tokenSealed'> {
    const token = newToken();
    return { customerId, tokenHash: hashToken(token), tokenSealed: sealToken(this.config.encryptionKey, token) };
  }
}
