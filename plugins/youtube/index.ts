import { newChatCounters } from '../../src/chat/chat-counters.ts';
import { ChatModerator } from '../../src/chat/chat-moderator.ts';
import type { ComponentState } from '../../src/core/status-registry.ts';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { YoutubeConfigSchema } from './config.ts';
import { LiveChatPoller, type YoutubeState } from './live-chat-poller.ts';
import { fixedBearer, RefreshingBearer } from './token-source.ts';
import { YoutubeApi } from './youtube-api.ts';
import { YoutubeRouter } from './youtube-router.ts';

const COMPONENT_STATE: Record<YoutubeState, ComponentState> = {
  finding: 'degraded',
  waiting_for_live: 'live',
  polling: 'live',
  quota_exceeded: 'degraded',
  auth_failed: 'degraded',
  retrying: 'degraded',
  not_configured: 'disabled',
  stopped: 'stopped',
};

export default definePlugin({
  name: 'youtube',
  description: 'YouTube live chat, Super Chats, Super Stickers and memberships as inputs (YouTube Data API v3), with the same moderation and flood control as Twitch',
  configSchema: YoutubeConfigSchema,
  setup(ctx) {
    const cfg = ctx.config;
    const apiKey = ctx.secret(cfg.api_key_env);
    const oauthToken = ctx.secret(cfg.oauth_token_env);
    const refreshEnvs = [cfg.client_id_env, cfg.client_secret_env, cfg.refresh_token_env];
    const [clientId, clientSecret, refreshToken] = refreshEnvs.map((env) => ctx.secret(env));
    // With refresh credentials the plugin gets (and renews) its own access tokens; oauth_token_env is then not used.
    const bearer = clientId && clientSecret && refreshToken ? new RefreshingBearer({ clientId, clientSecret, refreshToken, tokenUrl: cfg.token_url }, cfg.request_timeout_ms, ctx.log) : oauthToken ? fixedBearer(oauthToken) : undefined;
    const auth = bearer?.refreshable ? 'oauth_refresh' : bearer ? 'oauth' : apiKey ? 'api_key' : 'none';
    const counters = newChatCounters();
    const moderator = new ChatModerator(cfg.moderation);
    const router = new YoutubeRouter(cfg, ctx.input, moderator, counters, ctx.log);
    ctx.onDispose(() => router.dispose());
    const api = new YoutubeApi(cfg.api_base, { ...(apiKey ? { apiKey } : {}), ...(bearer ? { bearer } : {}) }, cfg.request_timeout_ms);

    let state: YoutubeState = 'finding';
    let detail = 'starting';
    const missing = !apiKey && !bearer ? `set ${cfg.api_key_env} (API key), ${cfg.oauth_token_env} (OAuth token) or ${refreshEnvs.join(', ')} (OAuth refresh) in the environment` : !bearer && !cfg.video_id && !cfg.channel_id ? 'with an API key, set plugins.youtube.channel_id or video_id' : undefined;
    const poller = new LiveChatPoller(
      cfg,
      api,
      {
        state: (next, text) => {
          const changed = next !== state || text !== detail;
          state = next;
          detail = text;
          if (changed) publish();
        },
        messages: (items, backlog) => router.page(items, backlog),
      },
      ctx.log,
    );

    const snapshot = () => ({
      state,
      detail,
      auth,
      videoId: cfg.video_id || null,
      channelId: cfg.channel_id || null,
      chatFound: poller.liveChatId !== undefined,
      polls: poller.polls,
      pollingIntervalMs: poller.lastIntervalMs ?? null,
      lastPollAt: poller.lastPollAt ? new Date(poller.lastPollAt).toISOString() : null,
      quotaUnitsUsed: api.quotaUsed,
      tokenRefreshes: bearer instanceof RefreshingBearer ? bearer.refreshes : null,
      lastError: poller.lastError ?? null,
      flooding: router.chat.flooding,
      backlogSkipped: router.backlogSkipped,
      counters,
    });
    const publish = (): void => {
      const s = snapshot();
      ctx.setStatus(COMPONENT_STATE[state], {
        detail,
        info: { connection: state, auth: s.auth, polls: s.polls, pollingIntervalMs: s.pollingIntervalMs, quotaUnitsUsed: s.quotaUnitsUsed, received: counters.received, queued: counters.queued, dropped: counters.dropped, lastError: s.lastError },
      });
    };

    ctx.routes((app) => {
      app.get('/status', async () => snapshot());
    });

    const partial = refreshEnvs.filter((env) => !ctx.secret(env));
    if (partial.length > 0 && partial.length < refreshEnvs.length) ctx.log.warn({ event: 'youtube.refresh_incomplete', missing: partial }, 'OAuth refresh needs all three env vars; not refreshing');
    if (missing) {
      state = 'not_configured';
      detail = missing;
      ctx.log.warn({ event: 'youtube.not_configured', api_key_env: cfg.api_key_env, oauth_token_env: cfg.oauth_token_env, refresh_envs: refreshEnvs }, 'YouTube chat is off until it is configured');
      publish();
      return;
    }
    ctx.onDispose(() => poller.stop());
    ctx.log.info({ event: 'youtube.starting', auth, video_id: cfg.video_id || undefined, channel_id: cfg.channel_id || undefined }, 'starting YouTube live chat');
    poller.start();
    // Counters change with every message: refresh the admin view now and then, not per message.
    const refresh = setInterval(publish, 5_000);
    refresh.unref();
    ctx.onDispose(() => clearInterval(refresh));
  },
});
