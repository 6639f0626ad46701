/**
 * A fake YouTube Data API v3 on 127.0.0.1 (real HTTP), written from the public reference at
 * developers.google.com/youtube/v3: `videos.list` (liveStreamingDetails.activeLiveChatId), `search.list`
 * (eventType=live), `liveBroadcasts.list` (broadcastStatus=active, OAuth), `liveChatMessages.list`
 * (`GET /liveChat/messages`: nextPageToken, pollingIntervalMillis, offlineAt, oldest-first items; 5
 * quota units a call) and the documented error body `{ error: { code, message, errors: [{ domain,
 * reason }] } }` with reasons quotaExceeded (403), rateLimitExceeded (403), liveChatEnded (403),
 * liveChatNotFound (404), keyInvalid (400 API_KEY_INVALID) and authError (401).
 *
 * The chat is a log: `post(...)` appends a message; a page returns everything after the page token's
 * position. A poll sooner than the last `pollingIntervalMillis` (minus 10%) gets rateLimitExceeded and is
 * counted in `tooSoon`, so a test can assert the interval is honoured.
 *
 * OAuth: a bearer must equal `oauthToken`, or pass `tokenCheck` when a test sets it (tokens from the fake
 * token endpoint, fake-google-token.ts, which expire); a refused bearer gets 401 authError and is
 * counted in `unauthorized`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeAuthor {
  channelId: string;
  displayName: string;
}

export interface RecordedCall {
  at: number;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export class FakeYoutubeApi {
  private server: http.Server | undefined;
  private readonly log: Array<Record<string, unknown>> = [];
  private counter = 0;
  private lastListAt: number | undefined;
  port = 0;
  apiKey = 'fake-youtube-key-0123456789';
  oauthToken = 'ya29.fake-oauth-token-abcdef';
  videoId = 'dQw4w9WgXcQ';
  channelId = 'UC0123456789abcdefghijkl';
  liveChatId = 'Cg0KC2Zha2UtY2hhdC0x';
  live = true;
  ended = false;
  pollingIntervalMillis = 300;
  /** Quota units left; each call costs its documented units, and at 0 every call gets quotaExceeded. */
  quota = 100_000;
  readonly calls: RecordedCall[] = [];
  tooSoon = 0;
  /** Decides which bearer tokens are good instead of `oauthToken`. */
  tokenCheck: ((token: string) => boolean) | undefined;
  unauthorized = 0;

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}/youtube/v3`;
  }

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Appends one liveChatMessage resource (snippet + authorDetails as in the reference). */
  post(type: string, author: FakeAuthor, details: Record<string, unknown> = {}, displayMessage = ''): string {
    const id = `LCC.fake-${++this.counter}`;
    this.log.push({
      kind: 'youtube#liveChatMessage',
      etag: `etag-${this.counter}`,
      id,
      snippet: { type, liveChatId: this.liveChatId, authorChannelId: author.channelId, publishedAt: new Date().toISOString(), hasDisplayContent: displayMessage !== '', displayMessage, ...details },
      authorDetails: { channelId: author.channelId, channelUrl: `http://www.youtube.com/channel/${author.channelId}`, displayName: author.displayName, profileImageUrl: 'https://yt3.ggpht.com/x', isVerified: false, isChatOwner: false, isChatSponsor: false, isChatModerator: false },
    });
    return id;
  }

  text(author: FakeAuthor, messageText: string): string {
    return this.post('textMessageEvent', author, { textMessageDetails: { messageText } }, messageText);
  }

  private error(res: http.ServerResponse, code: number, reason: string, message: string, domain = 'youtube.liveChat', details?: unknown[]): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain, reason }], ...(details ? { details } : {}) } }));
  }

  private json(res: http.ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/youtube\/v3\//, '');
    const query = Object.fromEntries(url.searchParams);
    const at = performance.now();
    this.calls.push({ at, path, query, authorization: req.headers.authorization });
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (bearer !== undefined) {
      if (!(this.tokenCheck ? this.tokenCheck(bearer) : bearer === this.oauthToken)) {
        this.unauthorized++;
        return this.error(res, 401, 'authError', 'Invalid Credentials', 'global');
      }
    } else if (query.key !== this.apiKey) {
      return this.error(res, 400, 'badRequest', 'API key not valid. Please pass a valid API key.', 'global', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
    }
    const cost = path === 'search' ? 100 : path === 'liveChat/messages' ? 5 : 1;
    if (this.quota < cost) return this.error(res, 403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your quota.', 'youtube.quota');
    this.quota -= cost;
    switch (path) {
      case 'videos':
        return this.json(res, { kind: 'youtube#videoListResponse', items: query.id === this.videoId ? [{ kind: 'youtube#video', id: this.videoId, liveStreamingDetails: this.live ? { actualStartTime: new Date().toISOString(), activeLiveChatId: this.liveChatId } : {} }] : [] });
      case 'search':
        if (query.eventType !== 'live' || query.type !== 'video') return this.error(res, 400, 'invalidSearchFilter', 'eventType needs type=video', 'youtube.search');
        return this.json(res, { kind: 'youtube#searchListResponse', items: this.live && query.channelId === this.channelId ? [{ kind: 'youtube#searchResult', id: { kind: 'youtube#video', videoId: this.videoId } }] : [] });
      case 'liveBroadcasts':
        if (bearer === undefined) return this.error(res, 401, 'authError', 'Login Required', 'global');
        return this.json(res, { kind: 'youtube#liveBroadcastListResponse', items: this.live ? [{ kind: 'youtube#liveBroadcast', id: this.videoId, snippet: { title: 'Live', liveChatId: this.liveChatId } }] : [] });
      case 'liveChat/messages':
        return this.messages(res, query, at);
      default:
        return this.error(res, 404, 'notFound', `no route ${path}`, 'global');
    }
  }

  private messages(res: http.ServerResponse, query: Record<string, string>, at: number): void {
    if (query.liveChatId !== this.liveChatId) return this.error(res, 404, 'liveChatNotFound', 'The live chat that you are trying to retrieve cannot be found.');
    if (!query.part?.split(',').includes('snippet')) return this.error(res, 400, 'missingRequiredParameter', 'part is required', 'global');
    if (this.ended) return this.error(res, 403, 'liveChatEnded', 'The specified live chat is no longer live.');
    if (this.lastListAt !== undefined && at - this.lastListAt < this.pollingIntervalMillis * 0.9) {
      this.tooSoon++;
      return this.error(res, 403, 'rateLimitExceeded', 'The request was sent too soon after the previous one.', 'youtube.liveChat');
    }
    this.lastListAt = at;
    const from = query.pageToken ? Number(/^page-(\d+)$/.exec(query.pageToken)?.[1] ?? NaN) : 0;
    if (Number.isNaN(from)) return this.error(res, 400, 'pageTokenInvalid', 'The page token is invalid.');
    const max = Number(query.maxResults ?? 500);
    const items = this.log.slice(from, from + max);
    this.json(res, {
      kind: 'youtube#liveChatMessageListResponse',
      etag: `etag-page-${from}`,
      nextPageToken: `page-${from + items.length}`,
      pollingIntervalMillis: this.pollingIntervalMillis,
      ...(this.live ? {} : { offlineAt: new Date().toISOString() }),
      pageInfo: { totalResults: items.length, resultsPerPage: items.length },
      items,
    });
  }
}
