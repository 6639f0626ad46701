/**
 * A fake Google OAuth 2.0 token endpoint on 127.0.0.1 (real HTTP), written from Google's "Using OAuth
 * 2.0 for Web Server Applications" → "Refreshing an access token (offline access)"
 * (developers.google.com/identity/protocols/oauth2/web-server#offline) and its error list:
 *
 * - `POST /token` with `Content-Type: application/x-www-form-urlencoded` and the form fields
 *   `client_id`, `client_secret`, `refresh_token`, `grant_type=refresh_token`;
 * - success: 200 JSON `{ access_token, expires_in, scope, token_type: "Bearer" }`;
 * - a wrong client id or secret: 401 `{ error: "invalid_client", error_description: "Unauthorized" }`;
 * - a refresh token that is wrong, expired or revoked: 400
 *   `{ error: "invalid_grant", error_description: "Token has been expired or revoked." }`;
 * - another grant type: 400 `unsupported_grant_type`; a missing field or another body type: 400
 *   `invalid_request`.
 *
 * Access tokens really expire after `expiresIn` seconds; `valid(token)` is what the fake YouTube API
 * asks (FakeYoutubeApi.tokenCheck), and `expireAll()` makes every token issued so far expire now.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  contentType: string | undefined;
  form: Record<string, string>;
}

export class FakeGoogleToken {
  private server: http.Server | undefined;
  private readonly issued = new Map<string, number>();
  private counter = 0;
  port = 0;
  clientId = '123456789-fake.apps.googleusercontent.com';
  clientSecret = 'GOCSPX-fake-client-secret-42';
  refreshToken = '1//0fake-refresh-token-zyxwv';
  /** Lifetime of new access tokens, in seconds. */
  expiresIn = 3599;
  /** The refresh token was revoked (or expired): every refresh gets invalid_grant. */
  revoked = false;
  readonly requests: TokenRequest[] = [];

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  /** Every access token handed out so far, oldest first. */
  get tokens(): string[] {
    return [...this.issued.keys()];
  }

  valid(token: string): boolean {
    const until = this.issued.get(token);
    return until !== undefined && Date.now() < until;
  }

  expireAll(): void {
    for (const token of this.issued.keys()) this.issued.set(token, 0);
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = req.headers['content-type'];
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      this.requests.push({ contentType, form });
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/token') return this.send(res, 404, { error: 'not_found' });
      if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return this.send(res, 400, { error: 'invalid_request', error_description: 'Bad Request' });
      if (form.grant_type !== 'refresh_token') return this.send(res, 400, { error: form.grant_type ? 'unsupported_grant_type' : 'invalid_request', error_description: `Invalid grant_type: ${form.grant_type ?? ''}` });
      if (!form.client_id || !form.refresh_token) return this.send(res, 400, { error: 'invalid_request', error_description: 'Missing required parameter' });
      if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) return this.send(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
      if (this.revoked || form.refresh_token !== this.refreshToken) return this.send(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      const accessToken = `ya29.a0fake-access-${++this.counter}-${Math.random().toString(36).slice(2, 10)}`;
      this.issued.set(accessToken, Date.now() + this.expiresIn * 1000);
      this.send(res, 200, { access_token: accessToken, expires_in: this.expiresIn, scope: 'https://www.googleapis.com/auth/youtube.readonly', token_type: 'Bearer' });
    });
  }
}
