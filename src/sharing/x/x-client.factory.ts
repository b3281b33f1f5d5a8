import { Injectable } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import { ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import { AppConfig } from '../../config/app-config';
import { XNotConfiguredError } from './x-errors';

export const DEFAULT_X_API_BASE = 'https://api.x.com';
/** No X call may hang a job or a request for longer. */
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * The one place twitter-api-v2 clients are made. twitter-api-v2 has no base-URL setting, so a plugin
 * rewrites `https://api.x.com/…` and `https://x.com/…` to `X_API_BASE` (tests point it at the fake X
 * server) for every request, the OAuth 2.0 token endpoint included; clients that `loginWithOAuth2` or
 * `refreshOAuth2Token` return inherit these settings. The plugin also gives every request a timeout.
 */
@Injectable()
export class XClientFactory {
  private readonly base: string;
  private readonly settings: { plugins: ITwitterApiClientPlugin[]; httpAgent: http.Agent };

  constructor(private readonly config: AppConfig) {
    this.base = config.xApiBase;
    const base = this.base;
    const rewrite = base !== DEFAULT_X_API_BASE;
    const plugin: ITwitterApiClientPlugin = {
      onBeforeRequestConfig({ params }) {
        if (rewrite) params.url = rewriteXUrl(params.url, base);
        params.timeout ??= REQUEST_TIMEOUT_MS;
      },
    };
    const agentOptions = { keepAlive: true, maxSockets: 20 };
    this.settings = {
      plugins: [plugin],
      // A plain-http base (the fake server) needs an http agent: the library defaults to https.
      httpAgent: base.startsWith('http:') ? new http.Agent(agentOptions) : new https.Agent(agentOptions),
    };
  }

  /** True when X_CLIENT_ID/X_CLIENT_SECRET are set; without them "Post it for me on X" is off. */
  get enabled(): boolean {
    return this.config.x !== undefined;
  }

  /** Our app's client (client id + secret): authorize links, code exchange, token refresh. */
  appClient(): TwitterApi {
    if (!this.config.x) throw new XNotConfiguredError();
    return new TwitterApi({ clientId: this.config.x.clientId, clientSecret: this.config.x.clientSecret }, this.settings);
  }

  /** True when X_BEARER_TOKEN is set: post metrics can be read. */
  get canReadMetrics(): boolean {
    return !!this.config.xBearerToken;
  }

  /** Our app's own read-only client (X_BEARER_TOKEN, app-only auth): public metrics lookups. */
  bearerClient(): TwitterApi {
    if (!this.config.xBearerToken) throw new XNotConfiguredError();
    return new TwitterApi(this.config.xBearerToken, this.settings);
  }

  /** A client acting as one X user with their OAuth 2.0 access token. */
  userClient(accessToken: string): TwitterApi {
    return new TwitterApi(accessToken, this.settings);
  }

  /** The authorize page lives on x.com; pointed at the fake server too when X_API_BASE is changed. */
  authorizeUrl(url: string): string {
    return this.base === DEFAULT_X_API_BASE ? url : rewriteXUrl(url, this.base);
  }

  /** Frees keep-alive sockets at shutdown. */
  destroy(): void {
    this.settings.httpAgent.destroy();
  }
}

export function rewriteXUrl(url: string, base: string): string {
  return url.replace(/^https:\/\/(api\.)?x\.com(?=\/|$)/, base);
}
