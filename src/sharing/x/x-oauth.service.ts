import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { TOAuth2Scope } from 'twitter-api-v2';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { SecretBox, SecretBoxError } from '../../common/crypto/secret-box';
import { AppConfig } from '../../config/app-config';
import { XClientFactory } from './x-client.factory';
import { XConnectionService, XTokens } from './x-connection.service';
import { classifyXError, XConnectError, XNotConfiguredError, XOAuthStateError } from './x-errors';
import { XOAuthState } from './x-oauth-state.entity';
import { localPath } from './local-path';

/** What Goodword asks X for: read the account and its posts, post, and keep access (refresh token). */
export const X_SCOPES: TOAuth2Scope[] = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'];
export const X_CALLBACK_PATH = '/auth/x/callback';
const STATE_TTL_MS = 10 * 60_000;
/** Finished or abandoned attempts are deleted after a day (they hold no tokens, only an encrypted verifier). */
const KEEP_STATES_MS = 24 * 3600_000;

export interface StartXConnect {
  customerId: string;
  /** The share the customer wants posted once connected; handed back by `complete`. */
  shareId?: string | null;
  /** Local path to return to after X (`/i/<token>?step=share`); anything else is refused. */
  returnTo: string;
}

export interface XConnectResult {
  customerId: string;
  connectionId: string;
  returnTo: string;
  shareId: string | null;
}

/**
 * Connecting a customer's X account with OAuth 2.0 Authorization Code + PKCE (twitter-api-v2's
 * `generateOAuth2AuthLink` / `loginWithOAuth2`), callback fixed at `PUBLIC_URL/auth/x/callback`.
 * The state is kept hashed, the PKCE verifier and the return path (it holds the invitation token)
 * encrypted; each state works once, for 10 minutes.
 */
@Injectable()
export class XOAuthService {
  private readonly logger = new Logger('XSharing');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clients: XClientFactory,
    private readonly connections: XConnectionService,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.clients.enabled;
  }

  get callbackUrl(): string {
    return `${this.config.publicUrl}${X_CALLBACK_PATH}`;
  }

  /** Returns X's authorize URL to redirect the customer to. Throws XNotConfiguredError when X is off. */
  async start(input: StartXConnect): Promise<{ url: string }> {
    if (!this.enabled) throw new XNotConfiguredError();
    const returnTo = localPath(input.returnTo);
    if (!returnTo) throw new Error('returnTo must be a local path such as /i/<token>');
    const link = this.clients.appClient().generateOAuth2AuthLink(this.callbackUrl, { scope: X_SCOPES });
    const id = randomUUID();
    const repo = this.dataSource.getRepository(XOAuthState);
    await repo.delete({ expiresAt: LessThan(new Date(Date.now() - KEEP_STATES_MS)) });
    await repo.insert({
      id,
      stateHash: hashState(link.state),
      codeVerifierEnc: this.box.encrypt(link.codeVerifier, verifierContext(id)),
      customerId: input.customerId,
      returnToEnc: this.box.encrypt(returnTo, returnToContext(id)),
      shareId: input.shareId ?? null,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
      usedAt: null,
    });
    this.logger.log({ msg: 'X connect started', stateId: id, shareId: input.shareId ?? null });
    return { url: this.clients.authorizeUrl(link.url) };
  }

  /**
   * Handles X's redirect back: `{state, code}` on consent, `{state, error}` when the customer declined.
   * Throws XOAuthStateError for an unknown, expired or used state (show a page, don't redirect: the
   * state may have leaked), XConnectError when X refused (redirect to its `returnTo` with a failure flag).
   */
  async complete(input: { state?: string; code?: string; error?: string }): Promise<XConnectResult> {
    if (!this.enabled) throw new XNotConfiguredError();
    const row = await this.claimState(input.state);
    const returnTo = this.openReturnTo(row);
    if (input.error || !input.code) {
      this.logger.log({ msg: 'X connect declined or incomplete', stateId: row.id });
      throw new XConnectError(input.error ? 'declined' : 'no_code', returnTo);
    }

    let tokens: XTokens;
    let profile: { id: string; username: string; followers: number | null };
    try {
      const login = await this.clients.appClient().loginWithOAuth2({
        code: input.code,
        codeVerifier: this.box.decrypt(row.codeVerifierEnc, verifierContext(row.id)),
        redirectUri: this.callbackUrl,
      });
      tokens = login;
      const me = await login.client.v2.me({ 'user.fields': ['public_metrics'] });
      profile = { id: me.data.id, username: me.data.username, followers: me.data.public_metrics?.followers_count ?? null };
    } catch (error) {
      const failure = classifyXError(error);
      this.logger.warn({ msg: 'X connect failed', stateId: row.id, failure: failure.kind, status: 'status' in failure ? failure.status : undefined });
      throw new XConnectError(`x_${failure.kind}`, returnTo);
    }
    if (!X_SCOPES.every((scope) => tokens.scope.includes(scope))) {
      this.logger.warn({ msg: 'X granted fewer scopes than asked', stateId: row.id });
      throw new XConnectError('missing_scope', returnTo);
    }

    const connection = await this.dataSource.transaction(async (manager) => {
      const saved = await this.connections.save(manager, {
        customerId: row.customerId,
        xUserId: profile.id,
        xUsername: profile.username,
        followerCount: profile.followers,
        tokens,
      });
      await this.audit.record(
        { type: 'customer', id: row.customerId },
        { action: 'x.connect', subjectType: 'x_connection', subjectId: saved.id, details: { shareId: row.shareId } },
        manager,
      );
      return saved;
    });
    this.logger.log({ msg: 'X account connected', stateId: row.id, connectionId: connection.id });
    return { customerId: row.customerId, connectionId: connection.id, returnTo, shareId: row.shareId };
  }

  /** The stored return path; a state sealed under another ENCRYPTION_KEY is as good as unknown. */
  private openReturnTo(row: XOAuthState): string {
    try {
      return this.box.decrypt(row.returnToEnc, returnToContext(row.id));
    } catch (error) {
      if (error instanceof SecretBoxError) throw new XOAuthStateError('unknown');
      throw error;
    }
  }

  /** Finds the state and marks it used, atomically: two callbacks with one state can't both proceed. */
  private async claimState(state: string | undefined): Promise<XOAuthState> {
    if (!state || state.length > 200) throw new XOAuthStateError('unknown');
    const repo = this.dataSource.getRepository(XOAuthState);
    const row = await repo.findOneBy({ stateHash: hashState(state) });
    if (!row) throw new XOAuthStateError('unknown');
    if (row.usedAt) throw new XOAuthStateError('used');
    if (row.expiresAt.getTime() <= Date.now()) throw new XOAuthStateError('expired');
    const claimed = await repo.update({ id: row.id, usedAt: IsNull() }, { usedAt: new Date() });
    if (!claimed.affected) throw new XOAuthStateError('used');
    return row;
  }
}

function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

function verifierContext(stateId: string): string {
  return `x_oauth_state:${stateId}:verifier`;
}

function returnToContext(stateId: string): string {
  return `x_oauth_state:${stateId}:return_to`;
}
