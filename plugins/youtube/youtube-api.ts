// The parts of the YouTube Data API v3 this plugin uses, as documented at
// developers.google.com/youtube/v3 (videos.list, search.list, liveBroadcasts.list, liveChatMessages.list,
// "Errors", "Quota costs"). Responses are validated; errors become YoutubeApiError with the API's `reason`.
import { z } from 'zod';
import type { BearerSource } from './token-source.ts';

/** Quota units per call (developers.google.com/youtube/v3/determine_quota_cost). */
export const QUOTA_COST = { videos: 1, search: 100, liveBroadcasts: 1, liveChatMessages: 5 } as const;

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().default(''),
    errors: z.array(z.object({ reason: z.string().default(''), domain: z.string().optional(), message: z.string().optional() })).default([]),
    details: z.array(z.object({ reason: z.string().optional() }).passthrough()).optional(),
  }),
});

export class YoutubeApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's error reason (`quotaExceeded`, `liveChatEnded`, `keyInvalid`/`API_KEY_INVALID`, `authError`...), or `network`. */
    readonly reason: string,
    message: string,
    /** `token`: Google's token endpoint (an access token refresh), with its own reasons (`invalid_grant`...). */
    readonly origin: 'api' | 'token' = 'api',
  ) {
    super(message);
    this.name = 'YoutubeApiError';
  }

  get isQuota(): boolean {
    return this.origin === 'api' && (this.reason === 'quotaExceeded' || this.reason === 'dailyLimitExceeded');
  }

  get isAuth(): boolean {
    // The token endpoint refuses credentials with 400 (invalid_grant...) or 401 (invalid_client).
    if (this.origin === 'token') return this.status === 400 || this.status === 401;
    return this.status === 401 || this.reason === 'keyInvalid' || this.reason === 'API_KEY_INVALID' || this.reason === 'authError' || this.reason === 'forbidden';
  }

  /** The chat is gone: find the stream's chat again. */
  get isChatGone(): boolean {
    return this.origin === 'api' && (this.reason === 'liveChatEnded' || this.reason === 'liveChatNotFound' || this.reason === 'liveChatDisabled');
  }
}

const AuthorSchema = z.object({
  channelId: z.string(),
  displayName: z.string().default(''),
  isChatOwner: z.boolean().default(false),
  isChatModerator: z.boolean().default(false),
  isChatSponsor: z.boolean().default(false),
});

const Money = { amountMicros: z.union([z.string(), z.number()]).transform((v) => Number(v)), currency: z.string(), amountDisplayString: z.string().default(''), tier: z.number().int().optional() };

export const LiveChatMessageSchema = z.object({
  id: z.string(),
  snippet: z.object({
    type: z.string(),
    publishedAt: z.string().optional(),
    displayMessage: z.string().default(''),
    textMessageDetails: z.object({ messageText: z.string() }).optional(),
    superChatDetails: z.object({ ...Money, userComment: z.string().default('') }).optional(),
    superStickerDetails: z.object({ ...Money, superStickerMetadata: z.object({ stickerId: z.string().optional(), altText: z.string().default('') }).optional() }).optional(),
    newSponsorDetails: z.object({ memberLevelName: z.string().default(''), isUpgrade: z.boolean().default(false) }).optional(),
    memberMilestoneChatDetails: z.object({ memberLevelName: z.string().default(''), memberMonth: z.number().int().default(0), userComment: z.string().default('') }).optional(),
    membershipGiftingDetails: z.object({ giftMembershipsCount: z.number().int(), giftMembershipsLevelName: z.string().default('') }).optional(),
    messageDeletedDetails: z.object({ deletedMessageId: z.string() }).optional(),
    userBannedDetails: z.object({ bannedUserDetails: z.object({ channelId: z.string() }) }).optional(),
  }),
  authorDetails: AuthorSchema.optional(),
});
export type LiveChatMessage = z.infer<typeof LiveChatMessageSchema>;

export const MessagesPageSchema = z.object({
  nextPageToken: z.string().optional(),
  pollingIntervalMillis: z.number().int().nonnegative().default(5_000),
  offlineAt: z.string().optional(),
  items: z.array(z.unknown()).default([]),
});

const VideosSchema = z.object({ items: z.array(z.object({ id: z.string(), liveStreamingDetails: z.object({ activeLiveChatId: z.string().optional() }).optional() })).default([]) });
const SearchSchema = z.object({ items: z.array(z.object({ id: z.object({ videoId: z.string().optional() }) })).default([]) });
const BroadcastsSchema = z.object({ items: z.array(z.object({ id: z.string(), snippet: z.object({ liveChatId: z.string().optional() }) })).default([]) });

/**
 * One HTTP exchange with a timeout. A network failure becomes YoutubeApiError `network` naming only
 * `what`: a URL may hold the key, and a form body the refresh token.
 */
export async function fetchJson(url: URL | string, init: RequestInit, what: string, origin: 'api' | 'token', timeoutMs: number, signal: AbortSignal): Promise<{ res: Response; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new YoutubeApiError(0, 'network', `${what} failed: ${err instanceof Error ? err.message : String(err)}`, origin);
  }
  const body: unknown = await res.json().catch(() => undefined);
  return { res, body };
}

export interface YoutubeCredentials {
  apiKey?: string;
  /** OAuth: a fixed access token or one refreshed from a refresh token (token-source.ts). */
  bearer?: BearerSource;
}

/** A thin client: GET with the key or the bearer token, a timeout, and quota counting. */
export class YoutubeApi {
  quotaUsed = 0;

  constructor(
    private readonly base: string,
    private readonly creds: YoutubeCredentials,
    private readonly timeoutMs: number,
  ) {}

  get oauth(): boolean {
    return this.creds.bearer !== undefined;
  }

  /** OAuth with a refresh token: the plugin gets its own access tokens. */
  get refreshing(): boolean {
    return this.creds.bearer?.refreshable === true;
  }

  private async get(path: string, params: Record<string, string>, cost: number, signal: AbortSignal): Promise<unknown> {
    const url = new URL(`${this.base.replace(/\/+$/, '')}/${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const bearer = this.creds.bearer;
    let token = bearer ? await bearer.token(signal) : undefined;
    if (!token && this.creds.apiKey) url.searchParams.set('key', this.creds.apiKey);
    let { res, body } = await this.send(url, path, token, cost, signal);
    if (res.status === 401 && token !== undefined && bearer?.refreshable) {
      // Expired early or revoked: one new token, and this request once more.
      bearer.invalidate(token);
      token = await bearer.token(signal);
      ({ res, body } = await this.send(url, path, token, cost, signal));
    }
    if (res.ok) return body;
    const parsed = ErrorBodySchema.safeParse(body);
    const error = parsed.success ? parsed.data.error : undefined;
    const detailReason = error?.details?.find((d) => d.reason)?.reason;
    const reason = detailReason === 'API_KEY_INVALID' ? 'keyInvalid' : error?.errors[0]?.reason || detailReason || `http_${res.status}`;
    throw new YoutubeApiError(res.status, reason, `GET ${path}: ${res.status} ${reason}${error?.message ? ` (${error.message.slice(0, 200)})` : ''}`);
  }

  private send(url: URL, path: string, token: string | undefined, cost: number, signal: AbortSignal): Promise<{ res: Response; body: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    this.quotaUsed += cost;
    // NOTE: the URL holds the key; only the path goes into an error.
    return fetchJson(url, { headers }, `GET ${path}`, 'api', this.timeoutMs, signal);
  }

  /** The live chat of a video, if it is live now. */
  async chatOfVideo(videoId: string, signal: AbortSignal): Promise<string | undefined> {
    const r = VideosSchema.parse(await this.get('videos', { part: 'liveStreamingDetails', id: videoId }, QUOTA_COST.videos, signal));
    return r.items[0]?.liveStreamingDetails?.activeLiveChatId;
  }

  /** The channel's live video, if any (search.list, 100 units). */
  async liveVideoOfChannel(channelId: string, signal: AbortSignal): Promise<string | undefined> {
    const r = SearchSchema.parse(await this.get('search', { part: 'id', channelId, eventType: 'live', type: 'video', maxResults: '1' }, QUOTA_COST.search, signal));
    return r.items[0]?.id.videoId;
  }

  /** The authorized user's active broadcast's chat (OAuth only). */
  async chatOfMyActiveBroadcast(signal: AbortSignal): Promise<string | undefined> {
    const r = BroadcastsSchema.parse(await this.get('liveBroadcasts', { part: 'snippet', broadcastStatus: 'active', broadcastType: 'all' }, QUOTA_COST.liveBroadcasts, signal));
    return r.items.find((b) => b.snippet.liveChatId)?.snippet.liveChatId;
  }

  async messages(liveChatId: string, pageToken: string | undefined, maxResults: number, signal: AbortSignal): Promise<z.infer<typeof MessagesPageSchema>> {
    const params: Record<string, string> = { liveChatId, part: 'id,snippet,authorDetails', maxResults: String(maxResults) };
    if (pageToken) params.pageToken = pageToken;
    return MessagesPageSchema.parse(await this.get('liveChat/messages', params, QUOTA_COST.liveChatMessages, signal));
  }
}
