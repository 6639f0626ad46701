import type { Logger } from 'pino';
import { backoffDelay, sleep } from '../../src/core/retry.ts';
import type { YoutubeConfig } from './config.ts';
import { LiveChatMessageSchema, type LiveChatMessage, YoutubeApiError, type YoutubeApi } from './youtube-api.ts';

/** What GET /api/youtube/status reports as `state`. */
export type YoutubeState = 'finding' | 'waiting_for_live' | 'polling' | 'quota_exceeded' | 'auth_failed' | 'retrying' | 'not_configured' | 'stopped';

export interface PollerHooks {
  state(state: YoutubeState, detail: string): void;
  /** One page of messages, oldest first; `backlog` for the page that was already in the chat at start. */
  messages(items: LiveChatMessage[], backlog: boolean): void;
}

/**
 * Finds the live chat (`video_id`, else the channel's live video, else the OAuth user's active broadcast)
 * and polls liveChatMessages.list: each next request uses `nextPageToken` and waits
 * `pollingIntervalMillis` (never less than `min_poll_ms`). quotaExceeded, a rejected key and a chat
 * that ended each have their own wait and a status that says so.
 */
export class LiveChatPoller {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  liveChatId: string | undefined;
  lastPollAt: number | undefined;
  lastIntervalMs: number | undefined;
  polls = 0;
  lastError: string | undefined;

  constructor(
    private readonly cfg: Readonly<YoutubeConfig>,
    private readonly api: YoutubeApi,
    private readonly hooks: PollerHooks,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.log.error({ event: 'youtube.poller_crashed', err }, 'YouTube poller stopped unexpectedly');
    });
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('stopped'));
    await this.loop;
    this.hooks.state('stopped', 'stopped');
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let pageToken: string | undefined;
    let firstPage = true;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!this.liveChatId) {
          this.hooks.state('finding', 'looking for the live stream');
          this.liveChatId = await this.findChat(signal);
          pageToken = undefined;
          firstPage = true;
          if (!this.liveChatId) {
            this.hooks.state('waiting_for_live', `no live stream found; looking again in ${Math.round(this.cfg.find_interval_ms / 1000)} s`);
            await sleep(this.cfg.find_interval_ms, signal);
            continue;
          }
          this.log.info({ event: 'youtube.chat_found' }, 'found the live chat');
        }
        const page = await this.api.messages(this.liveChatId, pageToken, this.cfg.max_results, signal);
        this.polls++;
        this.lastPollAt = Date.now();
        failures = 0;
        this.lastError = undefined;
        const items: LiveChatMessage[] = [];
        for (const raw of page.items) {
          const m = LiveChatMessageSchema.safeParse(raw);
          if (m.success) items.push(m.data);
          else this.log.warn({ event: 'youtube.bad_message', issue: m.error.issues[0]?.path.join('.') }, 'a live chat message did not match the documented shape');
        }
        this.hooks.state('polling', 'reading live chat');
        this.hooks.messages(items, firstPage);
        firstPage = false;
        if (page.offlineAt) {
          this.log.info({ event: 'youtube.chat_offline' }, 'the live stream went offline');
          this.liveChatId = undefined;
          continue;
        }
        pageToken = page.nextPageToken ?? pageToken;
        this.lastIntervalMs = Math.max(this.cfg.min_poll_ms, page.pollingIntervalMillis);
        await sleep(this.lastIntervalMs, signal);
      } catch (err) {
        if (signal.aborted) return;
        const e = err instanceof YoutubeApiError ? err : new YoutubeApiError(0, 'unexpected', err instanceof Error ? err.message : String(err));
        this.lastError = e.message;
        if (e.isQuota) {
          this.hooks.state('quota_exceeded', `YouTube API quota exceeded (${e.reason}); trying again in ${Math.round(this.cfg.quota_retry_ms / 60_000)} min`);
          this.log.warn({ event: 'youtube.quota_exceeded', reason: e.reason }, 'YouTube API quota exceeded');
          await sleep(this.cfg.quota_retry_ms, signal);
        } else if (e.isAuth) {
          this.hooks.state('auth_failed', this.authDetail(e));
          this.log.warn({ event: 'youtube.auth_failed', reason: e.reason, status: e.status, origin: e.origin }, e.origin === 'token' ? 'Google refused the OAuth refresh' : 'YouTube refused the credentials');
          await sleep(this.cfg.auth_retry_ms, signal);
        } else if (e.isChatGone) {
          this.log.info({ event: 'youtube.chat_gone', reason: e.reason }, 'the live chat is gone; looking for the stream again');
          this.liveChatId = undefined;
          await sleep(this.cfg.min_poll_ms, signal);
        } else {
          const delay = backoffDelay(failures++, { initialMs: this.cfg.retry.initial_ms, maxMs: this.cfg.retry.max_ms });
          this.hooks.state('retrying', `${e.origin === 'token' ? 'OAuth token refresh failed' : 'YouTube API error'} (${e.reason}); retrying in ${Math.round(delay / 100) / 10} s`);
          this.log.warn({ event: e.origin === 'token' ? 'youtube.token_refresh_failed' : 'youtube.poll_failed', reason: e.reason, status: e.status, delay_ms: delay }, e.origin === 'token' ? 'OAuth token refresh failed' : 'YouTube live chat request failed');
          await sleep(delay, signal);
        }
      }
    }
  }

  /** What was refused and which env var to fix. */
  private authDetail(e: YoutubeApiError): string {
    const c = this.cfg;
    if (e.origin === 'token') return `Google refused the OAuth refresh (${e.reason}); check ${e.reason === 'invalid_grant' ? c.refresh_token_env : `${c.client_id_env} and ${c.client_secret_env}`}`;
    if (!this.api.oauth) return `YouTube refused the API key (${e.reason}); check ${c.api_key_env}`;
    return `YouTube refused the OAuth token (${e.reason}); check ${this.api.refreshing ? `${c.refresh_token_env} (its account and scope)` : c.oauth_token_env}`;
  }

  private async findChat(signal: AbortSignal): Promise<string | undefined> {
    if (this.cfg.video_id) return this.api.chatOfVideo(this.cfg.video_id, signal);
    if (this.cfg.channel_id && !this.api.oauth) {
      const video = await this.api.liveVideoOfChannel(this.cfg.channel_id, signal);
      return video ? this.api.chatOfVideo(video, signal) : undefined;
    }
    return this.api.chatOfMyActiveBroadcast(signal);
  }
}
