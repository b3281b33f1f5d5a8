import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';

/** X_CLIENT_ID/X_CLIENT_SECRET are not set: the share page shows intent links only. */
export class XNotConfiguredError extends Error {
  constructor() {
    super('X is not configured (X_CLIENT_ID and X_CLIENT_SECRET)');
    this.name = 'XNotConfiguredError';
  }
}

export type XOAuthStateProblem = 'unknown' | 'expired' | 'used';

/** The callback's `state` is not one we issued, is older than 10 minutes, or was used already. */
export class XOAuthStateError extends Error {
  constructor(
    readonly problem: XOAuthStateProblem,
    /** Where the attempt started, when the state is known (expired or used), to send the customer back. */
    readonly returnTo?: string,
  ) {
    super(`X sign-in state is ${problem}`);
    this.name = 'XOAuthStateError';
  }
}

/** X refused the authorization code, the customer declined, or the account lookup failed. */
export class XConnectError extends Error {
  constructor(
    readonly reason: string,
    readonly returnTo: string,
  ) {
    super(`connecting the X account failed: ${reason}`);
    this.name = 'XConnectError';
  }
}

/** X no longer accepts this connection's tokens (the customer revoked the app, or the refresh token is gone). */
export class XAuthRevokedError extends Error {
  constructor(readonly connectionId: string) {
    super(`X refused the tokens of connection ${connectionId}`);
    this.name = 'XAuthRevokedError';
  }
}

/** The text and link can't be posted as one X post (too long by X's count, or empty). */
export class XPostInvalidError extends Error {
  constructor(readonly reason: 'too_long' | 'empty' | 'invalid') {
    super(`the post can't be sent to X: ${reason}`);
    this.name = 'XPostInvalidError';
  }
}

/** What an X API failure means for us. */
export type XFailure =
  | { kind: 'rate_limited'; resetAt: Date }
  | { kind: 'unauthorized' }
  | { kind: 'duplicate_content' }
  | { kind: 'not_found' }
  /** Any other 4xx: X won't accept this request, retrying won't help. */
  | { kind: 'rejected'; status: number }
  /** 5xx, a dropped connection, a timeout: X may or may not have acted; try again later. */
  | { kind: 'transient' };

const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export function classifyXError(error: unknown, now = Date.now()): XFailure {
  if (error instanceof ApiResponseError) {
    const status = error.code;
    if (status === 429 || status === 420) {
      const reset = error.rateLimit?.reset ?? Number(error.headers?.['x-rate-limit-reset']);
      const resetAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date(now + DEFAULT_RATE_LIMIT_WAIT_MS);
      return { kind: 'rate_limited', resetAt };
    }
    if (status === 401) return { kind: 'unauthorized' };
    if (status === 403 && isDuplicateContent(error.data)) return { kind: 'duplicate_content' };
    if (status === 404) return { kind: 'not_found' };
    if (status >= 400 && status < 500) return { kind: 'rejected', status };
    return { kind: 'transient' };
  }
  if (error instanceof ApiRequestError || error instanceof ApiPartialResponseError) return { kind: 'transient' };
  // Anything else (a bug, a database error) is not X's answer: let the caller's retry policy see it.
  return { kind: 'transient' };
}

function isDuplicateContent(data: unknown): boolean {
  const body = data as { detail?: unknown; errors?: { message?: unknown }[] } | undefined;
  const texts = [body?.detail, ...(body?.errors ?? []).map((e) => e?.message)];
  return texts.some((text) => typeof text === 'string' && /duplicate content/i.test(text));
}

/** True for errors that come from talking to X (an answer, or a failed request), as opposed to our own bugs. */
export function isXApiError(error: unknown): boolean {
  return error instanceof ApiResponseError || error instanceof ApiRequestError || error instanceof ApiPartialResponseError;
}

/** The OAuth token endpoint said the grant (code or refresh token) is invalid, as opposed to being unreachable. */
export function isInvalidGrant(error: unknown): boolean {
  return error instanceof ApiResponseError && (error.code === 400 || error.code === 401);
}
