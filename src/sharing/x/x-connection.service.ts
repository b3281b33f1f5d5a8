import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { TwitterApi } from 'twitter-api-v2';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import { XClientFactory } from './x-client.factory';
import { XConnection } from './x-connection.entity';
import { classifyXError, isInvalidGrant, XAuthRevokedError } from './x-errors';
import { XOAuthState } from './x-oauth-state.entity';
import { XPost } from './x-post.entity';

/** What an erased customer's connection holds instead of their X account's id and name. */
const ERASED = '';
const NO_TOKENS = { accessTokenEnc: '', refreshTokenEnc: null };

/** Refresh this long before X's expiry, so a token doesn't run out between the check and the call. */
const EXPIRY_MARGIN_MS = 60_000;

/** What X gave us at login or refresh (twitter-api-v2's parsed token answer). */
export type XTokens = Pick<Awaited<ReturnType<TwitterApi['loginWithOAuth2']>>, 'accessToken' | 'refreshToken' | 'expiresIn' | 'scope'>;

/** Public view of a connection for pages: no tokens. */
export interface XConnectionView {
  id: string;
  xUsername: string;
  connectedAt: Date;
}

/**
 * Connected X accounts and their tokens: encrypts and stores them, hands out a user client with a valid
 * access token (refreshing it when it has expired, or once when X answers 401), persisting every
 * rotated refresh token. Refreshes of one connection are serialised (in this process, and across
 * processes by a row lock on PostgreSQL) because X invalidates a refresh token once it is used.
 */
@Injectable()
export class XConnectionService {
  private readonly logger = new Logger('XSharing');
  private readonly refreshing = new Map<string, Promise<XConnection>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clients: XClientFactory,
    private readonly box: SecretBox,
  ) {}

  async active(customerId: string): Promise<XConnectionView | null> {
    const connection = await this.dataSource.getRepository(XConnection).findOneBy({ customerId, revokedAt: IsNull() });
    return connection ? { id: connection.id, xUsername: connection.xUsername, connectedAt: connection.createdAt } : null;
  }

  /** The connection with its tokens; null when there is none, or its customer was erased and its tokens are gone. */
  async find(id: string): Promise<XConnection | null> {
    const connection = await this.dataSource.getRepository(XConnection).findOneBy({ id });
    return connection && connection.accessTokenEnc !== '' ? connection : null;
  }

  /**
   * Erasure, in the caller's transaction: the customer's connections lose the account's id, name and
   * follower count and are revoked (no new posts), and pending logins are dropped. The tokens stay only
   * while `deleting` posts still need them (`forgetTokensWhenDone` after each deletion), and go at once
   * otherwise. The rows stay, without anything personal, so posts made keep counting in reports.
   */
  async erase(manager: EntityManager, customerId: string, options: { deleting: boolean }): Promise<void> {
    const keep = options.deleting && (await this.postsToDelete(manager, { customerId })) > 0;
    await manager.update(
      XConnection,
      { customerId },
      { xUserId: ERASED, xUsername: ERASED, followerCountAtConnect: null, ...(keep ? {} : NO_TOKENS) },
    );
    await manager.update(XConnection, { customerId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await manager.delete(XOAuthState, { customerId });
  }

  /**
   * After a post of the connection was deleted (or X refused the tokens, `refused`): an erased customer's
   * tokens go once no post of theirs is left to delete.
   */
  async forgetTokensWhenDone(connectionId: string, options: { refused?: boolean } = {}): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const connection = await manager.findOneBy(XConnection, { id: connectionId });
      if (!connection || connection.xUserId !== ERASED || connection.accessTokenEnc === '') return;
      if (!options.refused && (await this.postsToDelete(manager, { connectionId })) > 0) return;
      await manager.update(XConnection, { id: connectionId }, NO_TOKENS);
    });
  }

  /** Posts of a connection (or of a customer's) on X or queued for it, not deleted yet. */
  private postsToDelete(manager: EntityManager, of: { customerId: string } | { connectionId: string }): Promise<number> {
    const query = manager
      .createQueryBuilder(XPost, 'p')
      .where("p.deletedAt IS NULL AND (p.xPostId IS NOT NULL OR p.status = 'queued')");
    if ('connectionId' in of) query.andWhere('p.connectionId = :id', { id: of.connectionId });
    else query.innerJoin(XConnection, 'c', 'c.id = p.connectionId').andWhere('c.customerId = :id', { id: of.customerId });
    return query.getCount();
  }

  /**
   * Stores the account a customer just connected: updates their active connection when it is the same
   * X account, else revokes it and adds a new one. Runs in the caller's transaction.
   */
  async save(
    manager: EntityManager,
    input: { customerId: string; xUserId: string; xUsername: string; followerCount: number | null; tokens: XTokens },
  ): Promise<XConnection> {
    const repo = manager.getRepository(XConnection);
    const current = await repo.findOneBy({ customerId: input.customerId, revokedAt: IsNull() });
    if (current && current.xUserId === input.xUserId) {
      Object.assign(current, this.sealTokens(current.id, input.tokens), {
        xUsername: input.xUsername,
        followerCountAtConnect: input.followerCount,
      });
      return repo.save(current);
    }
    if (current) await repo.update({ id: current.id }, { revokedAt: new Date() });
    const id = randomUUID();
    const connection = repo.create({
      id,
      customerId: input.customerId,
      xUserId: input.xUserId,
      xUsername: input.xUsername,
      followerCountAtConnect: input.followerCount,
      revokedAt: null,
      ...this.sealTokens(id, input.tokens),
    });
    await repo.insert(connection);
    return connection;
  }

  /** A client for the connection's account; refreshes the access token first when it has (nearly) expired. */
  async accessClientFor(connection: XConnection, options: { forceRefresh?: boolean } = {}): Promise<TwitterApi> {
    let current = connection;
    if (options.forceRefresh || current.expiresAt.getTime() - EXPIRY_MARGIN_MS <= Date.now()) {
      current = await this.refresh(connection);
    }
    return this.clients.userClient(this.box.decrypt(current.accessTokenEnc, tokenContext(current.id, 'access')));
  }

  /**
   * Runs `call` as the connection's user. On 401 the token is refreshed once and `call` runs again
   * (from the start: it must be safe to repeat). Throws XAuthRevokedError when X refuses the refresh.
   */
  async withUserClient<T>(connection: XConnection, call: (client: TwitterApi) => Promise<T>): Promise<T> {
    const client = await this.accessClientFor(connection);
    try {
      return await call(client);
    } catch (error) {
      if (classifyXError(error).kind !== 'unauthorized') throw error;
      this.logger.log({ msg: 'X answered 401, refreshing the token once', connectionId: connection.id });
      return call(await this.accessClientFor(connection, { forceRefresh: true }));
    }
  }

  /** Marks the connection unusable (X refused its tokens, or the customer disconnected). */
  async revoke(connectionId: string): Promise<void> {
    await this.dataSource.getRepository(XConnection).update({ id: connectionId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /**
   * Disconnects the customer's account: asks X to revoke the refresh token (best effort) and marks the
   * connection revoked. Posts already made stay (withdrawing a recommendation deletes its post).
   */
  async disconnect(customerId: string): Promise<boolean> {
    const connection = await this.dataSource.getRepository(XConnection).findOneBy({ customerId, revokedAt: IsNull() });
    if (!connection) return false;
    if (connection.refreshTokenEnc && this.clients.enabled) {
      const refreshToken = this.box.decrypt(connection.refreshTokenEnc, tokenContext(connection.id, 'refresh'));
      await this.clients
        .appClient()
        .revokeOAuth2Token(refreshToken, 'refresh_token')
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'X token revocation failed', connectionId: connection.id, failure: classifyXError(error).kind }),
        );
    }
    await this.revoke(connection.id);
    return true;
  }

  private refresh(connection: XConnection): Promise<XConnection> {
    let pending = this.refreshing.get(connection.id);
    if (!pending) {
      pending = this.refreshSerialised(connection).finally(() => this.refreshing.delete(connection.id));
      this.refreshing.set(connection.id, pending);
    }
    return pending;
  }

  private async refreshSerialised(stale: XConnection): Promise<XConnection> {
    try {
      if (this.dataSource.options.type !== 'postgres') return await this.refreshNow(this.dataSource.manager, stale);
      // The row lock makes another process's refresh of this connection wait, then see the new tokens.
      return await this.dataSource.transaction(async (manager) => {
        const locked = manager.getRepository(XConnection).createQueryBuilder('c').setLock('pessimistic_write');
        await locked.where('c.id = :id', { id: stale.id }).getOne();
        return this.refreshNow(manager, stale);
      });
    } catch (error) {
      // Recorded outside the (rolled back) transaction.
      if (error instanceof XAuthRevokedError) {
        await this.revoke(stale.id);
        this.logger.warn({ msg: 'X refused the refresh token; connection revoked', connectionId: stale.id });
      }
      throw error;
    }
  }

  private async refreshNow(manager: EntityManager, stale: XConnection): Promise<XConnection> {
    const repo = manager.getRepository(XConnection);
    const current = await repo.findOneByOrFail({ id: stale.id });
    const refreshedElsewhere =
      current.accessTokenEnc !== stale.accessTokenEnc && current.expiresAt.getTime() - EXPIRY_MARGIN_MS > Date.now();
    if (refreshedElsewhere) return current;
    if (!current.refreshTokenEnc) throw new XAuthRevokedError(current.id);
    const refreshToken = this.box.decrypt(current.refreshTokenEnc, tokenContext(current.id, 'refresh'));
    let tokens: XTokens;
    try {
      tokens = await this.clients.appClient().refreshOAuth2Token(refreshToken);
    } catch (error) {
      if (isInvalidGrant(error)) throw new XAuthRevokedError(current.id);
      throw error;
    }
    // X rotates refresh tokens: keep the one from this answer (the old one no longer works).
    await repo.update({ id: current.id }, this.sealTokens(current.id, { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken }));
    this.logger.log({ msg: 'X access token refreshed', connectionId: current.id });
    return repo.findOneByOrFail({ id: current.id });
  }

  private sealTokens(connectionId: string, tokens: XTokens) {
    return {
      accessTokenEnc: this.box.encrypt(tokens.accessToken, tokenContext(connectionId, 'access')),
      refreshTokenEnc: tokens.refreshToken ? this.box.encrypt(tokens.refreshToken, tokenContext(connectionId, 'refresh')) : null,
      expiresAt: new Date(Date.now() + tokens.expiresIn * 1000),
      scopes: tokens.scope.join(' '),
    };
  }
}

/** Binds each encrypted token to its row and role, so sealed values can't be swapped between rows or fields. */
function tokenContext(connectionId: string, kind: 'access' | 'refresh'): string {
  return `x_connection:${connectionId}:${kind}`;
}
