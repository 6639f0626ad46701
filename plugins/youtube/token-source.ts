// The bearer token YoutubeApi sends: a fixed access token from the environment, or one the plugin gets
// itself from a refresh token, as Google documents in "Using OAuth 2.0 for Web Server Applications" →
// "Refreshing an access token (offline access)"
// (developers.google.com/identity/protocols/oauth2/web-server#offline): POST to the token endpoint,
// `application/x-www-form-urlencoded` with client_id, client_secret, refresh_token and
// grant_type=refresh_token; 200 `{ access_token, expires_in, scope, token_type: "Bearer" }`; a refused
// request gets `{ error, error_description }`: 400 `invalid_grant` (refresh token expired or revoked),
// 401 `invalid_client` (wrong client id or secret).
import type { Logger } from 'pino';
import { z } from 'zod';
import { fetchJson, YoutubeApiError } from './youtube-api.ts';

/** Where YoutubeApi gets the bearer for each request. */
export interface BearerSource {
  /** Can get a new token after YouTube refused one. */
  readonly refreshable: boolean;
  token(signal: AbortSignal): Promise<string>;
  /** YouTube refused `token`: the next `token()` gets a new one. */
  invalidate(token: string): void;
}

/** An access token from the environment, sent as it is until it stops working. */
export const fixedBearer = (token: string): BearerSource => ({ refreshable: false, token: () => Promise.resolve(token), invalidate: () => undefined });

export interface RefreshCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl: string;
}

const TokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().regex(/^bearer$/i),
  scope: z.string().optional(),
});
const TokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** Refresh this long before the token runs out; a lifetime shorter than twice this is refreshed at half life. */
export const REFRESH_EARLY_MS = 5 * 60_000;

/**
 * Gets an access token on first use and a new one once the current one is near its `expires_in`, or
 * after YouTube refused it. Concurrent callers share one refresh. Tokens are never logged.
 */
export class RefreshingBearer implements BearerSource {
  readonly refreshable = true;
  private current: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  refreshes = 0;

  constructor(
    private readonly creds: RefreshCredentials,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  token(signal: AbortSignal): Promise<string> {
    if (this.current && Date.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.pending ??= this.refresh(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.current?.token !== token) return;
    this.current = undefined;
    this.log.info({ event: 'youtube.token_rejected' }, 'YouTube refused the access token; getting a new one');
  }

  private async refresh(signal: AbortSignal): Promise<string> {
    const form = new URLSearchParams({ client_id: this.creds.clientId, client_secret: this.creds.clientSecret, refresh_token: this.creds.refreshToken, grant_type: 'refresh_token' });
    const init = { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
    const { res, body } = await fetchJson(this.creds.tokenUrl, init, 'OAuth token refresh', 'token', this.timeoutMs, signal);
    if (!res.ok) {
      const e = TokenErrorSchema.safeParse(body);
      const reason = e.success ? e.data.error : `http_${res.status}`;
      const description = e.success && e.data.error_description ? ` (${e.data.error_description.slice(0, 200)})` : '';
      throw new YoutubeApiError(res.status, reason, `OAuth token refresh: ${res.status} ${reason}${description}`, 'token');
    }
    const t = TokenSchema.safeParse(body);
    if (!t.success) throw new YoutubeApiError(res.status, 'bad_token_response', 'OAuth token refresh: the answer has no usable Bearer access_token', 'token');
    const lifetimeMs = t.data.expires_in * 1000;
    const earlyMs = lifetimeMs >= 2 * REFRESH_EARLY_MS ? REFRESH_EARLY_MS : lifetimeMs / 2;
    this.current = { token: t.data.access_token, refreshAt: Date.now() + lifetimeMs - earlyMs };
    this.refreshes++;
    this.log.info({ event: 'youtube.token_refreshed', expires_in: t.data.expires_in, refresh_in_s: Math.round((lifetimeMs - earlyMs) / 1000) }, 'got a new YouTube access token');
    return t.data.access_token;
  }
}
