import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { extractUrlsWithIndices } from 'twitter-text';

/**
 * A fake X API v2 on 127.0.0.1 for tests, answering the real twitter-api-v2 client (reached through
 * X_API_BASE). It keeps users, OAuth 2.0 codes and tokens, and posts in memory and answers like X:
 * the OAuth 2.0 token endpoint (authorization_code with PKCE S256, refresh_token with rotation, Basic
 * client auth), `GET /2/users/me`, `POST /2/tweets` (links wrapped as t.co with `entities.urls`),
 * `DELETE /2/tweets/:id`, `GET /2/users/:id/tweets`, `GET /2/tweets?ids=` (also with the app-only bearer
 * token, `appBearerToken`), token revocation and the authorize page (which consents at once). Failures are injected per endpoint with `fail()`.
 */

export interface FakeXUser {
  id: string;
  username: string;
  name: string;
  followers: number;
}

export interface FakeTweet {
  id: string;
  authorId: string;
  /** As X returns it: links replaced by t.co links. */
  text: string;
  /** As it was posted. */
  postedText: string;
  urls: { start: number; end: number; url: string; expanded_url: string; display_url: string }[];
  createdAt: Date;
  deleted: boolean;
  metrics: FakeMetrics;
}

export interface FakeMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  impression_count: number;
}

export type FakeEndpoint =
  | 'authorize'
  | 'token'
  | 'revoke'
  | 'users.me'
  | 'tweets.create'
  | 'tweets.delete'
  | 'users.tweets'
  | 'tweets.lookup';

export type FakeFailure =
  /** 429 with `x-rate-limit-reset` this many seconds ahead (default 1). */
  | { type: 'rate-limit'; resetInSeconds?: number }
  /** 401, as for an expired or revoked access token. */
  | { type: 'unauthorized' }
  /** 403 "You are not allowed to create a Tweet with duplicate content." */
  | { type: 'duplicate-content' }
  | { type: 'server-error' }
  /** Records the post, then drops the connection (default) or answers 500: the client thinks it failed. */
  | { type: 'crash-after-post'; how?: 'drop' | '500' }
  /** For the authorize step: the customer clicks "Cancel". */
  | { type: 'deny' };

export interface FakeRequestLog {
  method: string;
  endpoint: FakeEndpoint | 'unknown';
  path: string;
  status: number;
  userId?: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** Made with the app-only bearer token. */
  app?: boolean;
  /** Lookups: the ids asked for, and how many posts were returned (what X bills). */
  ids?: string[];
  returned?: number;
}

export interface FakeXOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of access tokens (X: 7200 s). */
  accessTokenTtlSeconds?: number;
  /** The app-only bearer token (X_BEARER_TOKEN) the fake accepts for post lookups. */
  appBearerToken?: string;
}

interface AuthCode {
  redirectUri: string;
  challenge: string;
  scope: string;
  userId: string;
  expiresAt: number;
}
/** The "user" of a request made with the app-only bearer token. */
const APP = 'app';

interface AccessToken {
  userId: string;
  scope: string;
  expiresAt: number;
}
interface RefreshToken {
  userId: string;
  scope: string;
}
interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
}

const PROBLEM = {
  unauthorized: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
  tooMany: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  duplicate: {
    detail: 'You are not allowed to create a Tweet with duplicate content.',
    status: 403,
    title: 'Forbidden',
    type: 'about:blank',
  },
  forbidden: { detail: 'You are not permitted to perform this action.', status: 403, title: 'Forbidden', type: 'about:blank' },
  serverError: { title: 'Internal Server Error', detail: 'Something went wrong.', type: 'about:blank', status: 500 },
};

export class FakeXServer {
  readonly requests: FakeRequestLog[] = [];
  readonly users = new Map<string, FakeXUser>();
  readonly tweets = new Map<string, FakeTweet>();
  readonly defaultUser: FakeXUser;
  private readonly codes = new Map<string, AuthCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly failures = new Map<FakeEndpoint, FakeFailure[]>();
  private readonly everIssued: string[] = [];
  /** Post lookups answer after this long (a slow X, to hold a worker mid-read). */
  lookupDelayMs = 0;
  private nextId = 1_860_000_000_000_000_000n;
  private url_ = '';

  private constructor(
    private readonly server: Server,
    private readonly options: FakeXOptions,
  ) {
    this.defaultUser = this.addUser({ username: 'happy_customer', name: 'Ana S.', followers: 1234 });
  }

  static async start(options: FakeXOptions): Promise<FakeXServer> {
    const server = createServer();
    const fake = new FakeXServer(server, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** `X_API_BASE` for the app under test. */
  get url(): string {
    return this.url_;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addUser(user: { username: string; name?: string; followers?: number }): FakeXUser {
    const created = { id: this.newId(), username: user.username, name: user.name ?? user.username, followers: user.followers ?? 0 };
    this.users.set(created.id, created);
    return created;
  }

  /** The next `times` requests to `endpoint` fail this way. */
  fail(endpoint: FakeEndpoint, failure: FakeFailure, times = 1): void {
    const queue = this.failures.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(endpoint, queue);
  }

  /** Drops injected failures not used yet. */
  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * The customer's consent on X's authorize page: checks the link as X would and returns the code (bound
   * to the PKCE challenge and redirect_uri) with the path of the redirect back to the app.
   */
  authorize(authUrl: string, options: { user?: FakeXUser; deny?: boolean } = {}): { code?: string; state: string; redirectUri: string; callbackPath: string } {
    const answer = this.consent(new URL(authUrl).searchParams, options.user ?? this.defaultUser, options.deny ?? false);
    if ('error' in answer) throw new Error(`fake X refused the authorize link: ${answer.error}`);
    const redirect = new URL(answer.location);
    return {
      code: redirect.searchParams.get('code') ?? undefined,
      state: redirect.searchParams.get('state') ?? '',
      redirectUri: `${redirect.origin}${redirect.pathname}`,
      callbackPath: `${redirect.pathname}${redirect.search}`,
    };
  }

  /** Every access token of the user (default: all users) stops working, as after expiry. */
  expireAccessTokens(userId?: string): void {
    for (const [token, entry] of this.accessTokens) if (!userId || entry.userId === userId) this.accessTokens.delete(token);
  }

  /** Every refresh token of the user stops working, as when the customer revokes the app on X. */
  revokeRefreshTokens(userId?: string): void {
    for (const [token, entry] of this.refreshTokens) if (!userId || entry.userId === userId) this.refreshTokens.delete(token);
  }

  /** Live (not deleted) posts of a user, newest first. */
  postsBy(userId: string): FakeTweet[] {
    return [...this.tweets.values()].filter((t) => t.authorId === userId && !t.deleted).sort((a, b) => compareIds(b.id, a.id));
  }

  /** A post made outside the app under test (or by a try whose answer was lost). */
  seedPost(userId: string, text: string): FakeTweet {
    return this.createTweet(userId, text);
  }

  setMetrics(tweetId: string, metrics: Partial<FakeMetrics>): void {
    const tweet = this.tweets.get(tweetId);
    if (!tweet) throw new Error(`no fake post ${tweetId}`);
    Object.assign(tweet.metrics, metrics);
  }

  /** Posts returned by app-only lookups so far: what X would bill as post reads. */
  postsReadByApp(): number {
    return this.requests.filter((r) => r.app && r.endpoint === 'tweets.lookup').reduce((sum, r) => sum + (r.returned ?? 0), 0);
  }

  /** Requests to an endpoint (optionally only those answered with `status`). */
  count(endpoint: FakeEndpoint, status?: number): number {
    return this.requests.filter((r) => r.endpoint === endpoint && (status === undefined || r.status === status)).length;
  }

  /** Every code and token the fake ever handed out (tests assert none of them leaked into logs or the database). */
  issuedSecrets(): string[] {
    return [...this.everIssued];
  }

  // ---- HTTP ---------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.x');
    const method = req.method ?? 'GET';
    const endpoint = route(method, url.pathname);
    const body = await readBody(req);
    const log: FakeRequestLog = { method, endpoint: endpoint?.name ?? 'unknown', path: url.pathname, status: 0, at: Date.now() };
    this.requests.push(log);
    if (endpoint?.name === 'tweets.lookup' && this.lookupDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lookupDelayMs));
    let answer: Answer;
    try {
      answer = endpoint
        ? this.dispatch(endpoint.name, endpoint.id, req, url, body, log)
        : { status: 404, body: { title: 'Not Found Error', detail: `No route ${method} ${url.pathname}`, type: 'about:blank', status: 404 } };
    } catch (error) {
      answer = { status: 500, body: { ...PROBLEM.serverError, detail: String(error) } };
    }
    log.status = answer.drop ? 0 : answer.status;
    if (answer.drop) {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { ...rateLimitHeaders(99, 900), ...answer.headers };
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(answer.body));
  }

  private dispatch(name: FakeEndpoint, id: string | undefined, req: IncomingMessage, url: URL, body: Record<string, string>, log: FakeRequestLog): Answer {
    if (name === 'authorize') {
      const failure = this.takeFailure('authorize');
      const answer = this.consent(url.searchParams, this.defaultUser, failure?.type === 'deny');
      if ('error' in answer) return { status: 400, body: { error: answer.error } };
      return { status: 302, headers: { location: answer.location } };
    }
    if (name === 'token' || name === 'revoke') {
      const failure = this.takeFailure(name);
      if (failure) return this.failureAnswer(failure);
      if (!this.clientAuthenticated(req)) {
        return { status: 401, body: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' } };
      }
      return name === 'token' ? this.token(body) : this.revoke(body);
    }

    if (name === 'tweets.lookup') log.ids = list(url.searchParams.get('ids'));
    if (this.options.appBearerToken && req.headers.authorization === `Bearer ${this.options.appBearerToken}`) log.app = true;
    // API v2: injected failures come first (X can rate-limit before looking at the token).
    const failure = this.takeFailure(name);
    if (failure && failure.type !== 'crash-after-post') return this.failureAnswer(failure);
    const auth = this.bearer(req);
    if (!auth) return { status: 401, body: PROBLEM.unauthorized };
    if (auth.userId === APP) {
      // App-only auth can't act as a user: X answers 403 "Unsupported Authentication".
      if (name !== 'tweets.lookup') return { status: 403, body: { ...PROBLEM.forbidden, title: 'Unsupported Authentication' } };
      return this.lookup(url.searchParams, log);
    }
    log.userId = auth.userId;
    const user = this.users.get(auth.userId)!;
    switch (name) {
      case 'users.me':
        return { status: 200, body: { data: this.userObject(user, url.searchParams) } };
      case 'tweets.create':
        return this.createFromRequest(auth, body, failure);
      case 'tweets.delete':
        return this.deleteTweet(auth.userId, id!);
      case 'users.tweets':
        return this.timeline(id!, url.searchParams);
      case 'tweets.lookup':
        return this.lookup(url.searchParams, log);
    }
  }

  private failureAnswer(failure: FakeFailure): Answer {
    switch (failure.type) {
      case 'rate-limit': {
        const reset = Math.ceil(Date.now() / 1000) + (failure.resetInSeconds ?? 1);
        return { status: 429, body: PROBLEM.tooMany, headers: { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) } };
      }
      case 'unauthorized':
        return { status: 401, body: PROBLEM.unauthorized };
      case 'duplicate-content':
        return { status: 403, body: PROBLEM.duplicate };
      case 'server-error':
      case 'crash-after-post':
      case 'deny':
        return { status: 500, body: PROBLEM.serverError };
    }
  }

  // ---- OAuth 2.0 ----------------------------------------------------------------------------------

  private consent(params: URLSearchParams, user: FakeXUser, deny: boolean): { location: string } | { error: string } {
    const redirectUri = params.get('redirect_uri');
    const state = params.get('state');
    const challenge = params.get('code_challenge');
    const scope = params.get('scope') ?? '';
    if (params.get('response_type') !== 'code') return { error: 'response_type must be code' };
    if (params.get('client_id') !== this.options.clientId) return { error: 'unknown client_id' };
    if (!redirectUri || !state || !challenge) return { error: 'redirect_uri, state and code_challenge are required' };
    if ((params.get('code_challenge_method') ?? '').toLowerCase() !== 's256') return { error: 'code_challenge_method must be S256' };
    const location = new URL(redirectUri);
    if (deny) {
      location.searchParams.set('error', 'access_denied');
      location.searchParams.set('state', state);
      return { location: location.toString() };
    }
    const code = this.secret();
    this.codes.set(code, { redirectUri, challenge, scope, userId: user.id, expiresAt: Date.now() + 30_000 });
    location.searchParams.set('state', state);
    location.searchParams.set('code', code);
    return { location: location.toString() };
  }

  private clientAuthenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent);
    return id === this.options.clientId && secret === this.options.clientSecret;
  }

  private token(body: Record<string, string>): Answer {
    if (body.grant_type === 'authorization_code') {
      const code = this.codes.get(body.code ?? '');
      this.codes.delete(body.code ?? ''); // one use, whatever happens
      const verifierOk = code && body.code_verifier && s256(body.code_verifier) === code.challenge;
      if (!code || code.expiresAt < Date.now() || code.redirectUri !== body.redirect_uri || !verifierOk) {
        return { status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' } };
      }
      return { status: 200, body: this.issueTokens(code.userId, code.scope) };
    }
    if (body.grant_type === 'refresh_token') {
      const entry = this.refreshTokens.get(body.refresh_token ?? '');
      if (!entry) return { status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } };
      this.refreshTokens.delete(body.refresh_token); // rotation: a refresh token works once
      return { status: 200, body: this.issueTokens(entry.userId, entry.scope) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Missing or invalid grant_type.' } };
  }

  private revoke(body: Record<string, string>): Answer {
    this.accessTokens.delete(body.token ?? '');
    this.refreshTokens.delete(body.token ?? '');
    return { status: 200, body: { revoked: true } };
  }

  private issueTokens(userId: string, scope: string) {
    const accessToken = this.secret();
    const ttl = this.options.accessTokenTtlSeconds ?? 7200;
    this.accessTokens.set(accessToken, { userId, scope, expiresAt: Date.now() + ttl * 1000 });
    const answer: Record<string, unknown> = { token_type: 'bearer', expires_in: ttl, access_token: accessToken, scope };
    if (scope.split(' ').includes('offline.access')) {
      const refreshToken = this.secret();
      this.refreshTokens.set(refreshToken, { userId, scope });
      answer.refresh_token = refreshToken;
    }
    return answer;
  }

  private bearer(req: IncomingMessage): AccessToken | undefined {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return undefined;
    if (this.options.appBearerToken && header.slice(7) === this.options.appBearerToken) {
      return { userId: APP, scope: '', expiresAt: Number.POSITIVE_INFINITY };
    }
    const entry = this.accessTokens.get(header.slice(7));
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  // ---- API v2 -------------------------------------------------------------------------------------

  private userObject(user: FakeXUser, params: URLSearchParams) {
    const fields = list(params.get('user.fields'));
    const base: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
    if (fields.includes('public_metrics')) {
      base.public_metrics = { followers_count: user.followers, following_count: 42, tweet_count: this.postsBy(user.id).length, listed_count: 0, like_count: 7 };
    }
    return base;
  }

  private createFromRequest(auth: AccessToken, body: Record<string, string>, failure: FakeFailure | undefined): Answer {
    if (!auth.scope.split(' ').includes('tweet.write')) return { status: 403, body: PROBLEM.forbidden };
    const text = body.text;
    if (typeof text !== 'string' || text.length === 0) {
      return { status: 400, body: { errors: [{ message: '$.text: must not be empty' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
    }
    if (this.postsBy(auth.userId).some((t) => t.postedText === text)) return { status: 403, body: PROBLEM.duplicate };
    const tweet = this.createTweet(auth.userId, text);
    if (failure?.type === 'crash-after-post') {
      return failure.how === '500' ? { status: 500, body: PROBLEM.serverError } : { status: 0, drop: true };
    }
    return { status: 201, body: { data: { edit_history_tweet_ids: [tweet.id], id: tweet.id, text: tweet.text } } };
  }

  private createTweet(authorId: string, postedText: string): FakeTweet {
    const id = this.newId();
    let text = '';
    let cursor = 0;
    const urls: FakeTweet['urls'] = [];
    for (const found of extractUrlsWithIndices(postedText)) {
      const [start, end] = found.indices;
      text += postedText.slice(cursor, start);
      const short = `https://t.co/${randomBytes(8).toString('base64url').slice(0, 10)}`;
      urls.push({ start: text.length, end: text.length + short.length, url: short, expanded_url: found.url, display_url: found.url.replace(/^https?:\/\//, '').slice(0, 25) });
      text += short;
      cursor = end;
    }
    text += postedText.slice(cursor);
    const metrics = { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 };
    const tweet: FakeTweet = { id, authorId, text, postedText, urls, createdAt: new Date(), deleted: false, metrics };
    this.tweets.set(id, tweet);
    return tweet;
  }

  private deleteTweet(userId: string, id: string): Answer {
    const tweet = this.tweets.get(id);
    if (!tweet || tweet.deleted) return { status: 404, body: notFound(id, 'id') };
    if (tweet.authorId !== userId) {
      return { status: 403, body: { ...PROBLEM.forbidden, detail: 'You are not allowed to delete a Tweet that does not belong to you.' } };
    }
    tweet.deleted = true;
    return { status: 200, body: { data: { deleted: true } } };
  }

  private timeline(userId: string, params: URLSearchParams): Answer {
    const max = Number(params.get('max_results') ?? 10);
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return { status: 400, body: { errors: [{ parameters: { max_results: [String(params.get('max_results'))] }, message: `The \`max_results\` query parameter value [${params.get('max_results')}] is not between 5 and 100` }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
    }
    if (!this.users.has(userId)) return { status: 200, body: { errors: [notFound(userId, 'id', 'user')] } };
    const since = params.get('start_time') ? Date.parse(params.get('start_time')!) : 0;
    const posts = this.postsBy(userId).filter((t) => t.createdAt.getTime() >= since);
    const page = posts.slice(0, max);
    if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
    const fields = list(params.get('tweet.fields'));
    const meta: Record<string, unknown> = { result_count: page.length, newest_id: page[0].id, oldest_id: page[page.length - 1].id };
    if (posts.length > page.length) meta.next_token = `page_${page[page.length - 1].id}`;
    return { status: 200, body: { data: page.map((t) => tweetObject(t, fields)), meta } };
  }

  private lookup(params: URLSearchParams, log: FakeRequestLog): Answer {
    const ids = list(params.get('ids'));
    if (ids.length === 0 || ids.length > 100) {
      return { status: 400, body: { errors: [{ message: 'ids: between 1 and 100 ids' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
    }
    const fields = list(params.get('tweet.fields'));
    const data: unknown[] = [];
    const errors: unknown[] = [];
    for (const id of ids) {
      const tweet = this.tweets.get(id);
      if (tweet && !tweet.deleted) data.push(tweetObject(tweet, fields));
      else errors.push(notFound(id, 'ids'));
    }
    log.returned = data.length;
    return { status: 200, body: { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) } };
  }

  private takeFailure(endpoint: FakeEndpoint): FakeFailure | undefined {
    return this.failures.get(endpoint)?.shift();
  }

  private newId(): string {
    this.nextId += 4096n + BigInt(Math.floor(Math.random() * 4096));
    return this.nextId.toString();
  }

  private secret(): string {
    const value = randomBytes(30).toString('base64url');
    this.everIssued.push(value);
    return value;
  }
}

function route(method: string, path: string): { name: FakeEndpoint; id?: string } | undefined {
  if (method === 'GET' && path === '/i/oauth2/authorize') return { name: 'authorize' };
  if (method === 'POST' && path === '/2/oauth2/token') return { name: 'token' };
  if (method === 'POST' && path === '/2/oauth2/revoke') return { name: 'revoke' };
  if (method === 'GET' && path === '/2/users/me') return { name: 'users.me' };
  if (method === 'POST' && path === '/2/tweets') return { name: 'tweets.create' };
  if (method === 'GET' && path === '/2/tweets') return { name: 'tweets.lookup' };
  let match = /^\/2\/tweets\/(\d+)$/.exec(path);
  if (method === 'DELETE' && match) return { name: 'tweets.delete', id: match[1] };
  match = /^\/2\/users\/(\d+)\/tweets$/.exec(path);
  if (method === 'GET' && match) return { name: 'users.tweets', id: match[1] };
  return undefined;
}

function tweetObject(tweet: FakeTweet, fields: string[]) {
  const object: Record<string, unknown> = { edit_history_tweet_ids: [tweet.id], id: tweet.id, text: tweet.text };
  if (fields.includes('created_at')) object.created_at = tweet.createdAt.toISOString();
  if (fields.includes('author_id')) object.author_id = tweet.authorId;
  if (fields.includes('entities') && tweet.urls.length > 0) object.entities = { urls: tweet.urls };
  if (fields.includes('public_metrics')) object.public_metrics = { ...tweet.metrics };
  return object;
}

function notFound(id: string, parameter: string, resource = 'tweet') {
  const what = resource === 'tweet' ? 'tweet' : 'user';
  return {
    value: id,
    detail: `Could not find ${what} with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: resource,
    parameter,
    resource_id: id,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}

function rateLimitHeaders(remaining: number, resetInSeconds: number): Record<string, string> {
  return {
    'x-rate-limit-limit': '100',
    'x-rate-limit-remaining': String(remaining),
    'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
  };
}

function list(value: string | null): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter(Boolean);
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** JSON or form-encoded (twitter-api-v2 sends JSON to the token endpoint; X accepts both). */
async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
