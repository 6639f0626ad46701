// The parts of the YouTube Data API v3 this plugin uses, as documented at
// developers.google.com/youtube/v3 (videos.list, search.list, liveBroadcasts.list, liveChatMessages.list,
// "Errors", "Quota costs"). Responses are validated; errors become YoutubeApiError with the API's `reason`.
import { z } from 'zod';

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
  ) {
    super(message);
    this.name = 'YoutubeApiError';
  }

  get isQuota(): boolean {
    return this.reason === 'quotaExceeded' || this.reason === 'dailyLimitExceeded';
  }

  get isAuth(): boolean {
    return this.status === 401 || this.reason === 'keyInvalid' || this.reason === 'API_KEY_INVALID' || this.reason === 'authError' || this.reason === 'forbidden';
  }

  /** The chat is gone: find the stream's chat again. */
  get isChatGone(): boolean {
    return this.reason === 'liveChatEnded' || this.reason === 'liveChatNotFound' || this.reason === 'liveChatDisabled';
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

export interface YoutubeCredentials {
  apiKey?: string;
  oauthToken?: string;
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
    return this.creds.oauthToken !== undefined;
  }

  private async get(path: string, params: Record<string, string>, cost: number, signal: AbortSignal): Promise<unknown> {
    const url = new URL(`${this.base.replace(/\/+$/, '')}/${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.creds.oauthToken) headers.authorization = `Bearer ${this.creds.oauthToken}`;
    else if (this.creds.apiKey) url.searchParams.set('key', this.creds.apiKey);
    this.quotaUsed += cost;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) });
    } catch (err) {
      if (signal.aborted) throw err;
      // NOTE: the URL holds the key; only the path goes into the error.
      throw new YoutubeApiError(0, 'network', `GET ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) return body;
    const parsed = ErrorBodySchema.safeParse(body);
    const error = parsed.success ? parsed.data.error : undefined;
    const detailReason = error?.details?.find((d) => d.reason)?.reason;
    const reason = detailReason === 'API_KEY_INVALID' ? 'keyInvalid' : error?.errors[0]?.reason || detailReason || `http_${res.status}`;
    throw new YoutubeApiError(res.status, reason, `GET ${path}: ${res.status} ${reason}${error?.message ? ` (${error.message.slice(0, 200)})` : ''}`);
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
