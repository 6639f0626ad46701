import type { ComponentState } from '../../src/core/status-registry.ts';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { ChatReplier } from './chat-replies.ts';
import { TwitchConfigSchema, type BackoffConfig } from './config.ts';
import { newCounters } from './counters.ts';
import { registerDonationRoute } from './donations.ts';
import { EventRouter } from './event-router.ts';
import { EventsubConnection, type Subscription } from './eventsub/eventsub-connection.ts';
import { EventsubRouter } from './eventsub/eventsub-router.ts';
import { ChatModerator } from '../../src/chat/chat-moderator.ts';
import { TwitchConnection, type ConnectionState } from './twitch-connection.ts';

/** What GET /api/twitch/status reports as `state`. */
export type TwitchState = 'connecting' | 'connected' | 'reconnecting' | 'auth_failed' | 'disabled' | 'stopped';

const COMPONENT_STATE: Record<TwitchState, ComponentState> = {
  connecting: 'degraded',
  connected: 'live',
  reconnecting: 'degraded',
  // Not 'failed': the donation webhook and status route keep working while chat login is refused.
  auth_failed: 'degraded',
  disabled: 'live',
  stopped: 'stopped',
};

const backoff = (b: BackoffConfig) => ({ initialMs: b.initial_ms, maxMs: b.max_ms, factor: b.factor, jitter: b.jitter });

export default definePlugin({
  name: 'twitch',
  description: 'Twitch chat, subs, gift subs, cheers, raids and donations as inputs, with moderation and flood control',
  configSchema: TwitchConfigSchema,
  setup(ctx) {
    const cfg = ctx.config;
    const token = ctx.secret(cfg.oauth_token_env);
    const username = (process.env.TWITCH_BOT_USERNAME?.trim() || cfg.bot_username).toLowerCase() || undefined;
    if (cfg.channel && token && !username) {
      throw new Error(`${cfg.oauth_token_env} is set but the bot's login is not: set plugins.twitch.bot_username or TWITCH_BOT_USERNAME`);
    }
    const counters = newCounters();
    const moderator = new ChatModerator(cfg.moderation);
    const router = new EventRouter(cfg, ctx.input, moderator, counters, ctx.log);
    ctx.onDispose(() => router.dispose());

    let state: TwitchState = cfg.channel ? 'connecting' : 'disabled';
    let detail = cfg.channel ? `connecting to #${cfg.channel}` : 'no channel configured: chat is off, the donation webhook still works';
    let connection: TwitchConnection | undefined;
    let lastDonationAt: number | undefined;
    let eventsub: EventsubConnection | undefined;
    let eventsubDetail = 'off';

    const lastEventAt = (): number | undefined => Math.max(router.lastEventAt ?? 0, lastDonationAt ?? 0) || undefined;
    const snapshot = () => ({
      state,
      detail,
      channel: cfg.channel || null,
      anonymous: token === undefined,
      username: token ? (username ?? null) : null,
      flooding: router.chat.flooding,
      lastEventAt: lastEventAt() === undefined ? null : new Date(lastEventAt() as number).toISOString(),
      lastError: connection?.lastError ?? null,
      attempts: connection?.attempts ?? 0,
      reconnects: connection?.reconnects ?? 0,
      donations: ctx.secret(cfg.donations.secret_env) ? 'enabled' : 'disabled',
      eventsub: eventsub ? { state: eventsub.state, detail: eventsubDetail, subscribed: eventsub.subscribed, revoked: eventsub.revoked, reconnects: eventsub.reconnects, lastError: eventsub.lastError ?? null } : { state: 'disabled' },
      counters,
    });
    const publish = (): void => {
      const s = snapshot();
      ctx.setStatus(COMPONENT_STATE[state], {
        detail,
        info: { connection: s.state, eventsub: s.eventsub.state, channel: s.channel, anonymous: s.anonymous, lastEventAt: s.lastEventAt, reconnects: s.reconnects, received: counters.received, queued: counters.queued, dropped: counters.dropped },
      });
    };

    ctx.routes((app) => {
      app.get('/status', async () => snapshot());
      app.post('/reconnect', { preHandler: ctx.requireAdmin }, async (_req, reply) => {
        if (!connection) return reply.code(409).send({ error: { code: 'PLUGIN_UNAVAILABLE', message: 'no channel configured' } });
        connection.reconnectNow();
        return reply.code(202).send({ state });
      });
      registerDonationRoute(app, {
        secret: () => ctx.secret(cfg.donations.secret_env),
        secretEnv: cfg.donations.secret_env,
        toleranceS: cfg.donations.tolerance_s,
        input: ctx.input,
        moderator,
        counters,
        log: ctx.log,
        onAccepted: () => {
          lastDonationAt = Date.now();
        },
      });
    });

    if (cfg.channel) {
      const conn = new TwitchConnection({
        channel: cfg.channel,
        username,
        token,
        tokenEnv: cfg.oauth_token_env,
        server: cfg.server,
        connectTimeoutMs: cfg.connect_timeout_ms,
        reconnect: backoff(cfg.reconnect),
        authRetry: backoff(cfg.auth_retry),
        log: ctx.log,
        onEvent: (event) => router.handle(event),
        onState: (next: ConnectionState, text: string) => {
          state = next;
          detail = text;
          publish();
        },
      });
      connection = conn;
      ctx.onDispose(() => conn.stop());
      const replier = new ChatReplier(cfg.replies, (text) => conn.say(text), counters, ctx.log);
      if (cfg.replies.enabled && !token) ctx.log.warn({ event: 'twitch.replies_need_token', token_env: cfg.oauth_token_env }, 'replies to chat need an OAuth token; connecting read-only');
      ctx.on('agent.reply_done', (done) => replier.onReplyDone(done));
      ctx.log.info({ event: 'twitch.starting', channel: cfg.channel, anonymous: token === undefined, username: token ? username : undefined }, 'connecting to Twitch chat');
      conn.start();
    } else {
      publish();
    }

    if (cfg.eventsub.enabled) {
      const es = cfg.eventsub;
      const clientId = ctx.secret(es.client_id_env);
      const esToken = ctx.secret(es.token_env);
      if (!clientId || !esToken || !es.broadcaster_id) {
        const missing = [!clientId && es.client_id_env, !esToken && es.token_env, !es.broadcaster_id && 'plugins.twitch.eventsub.broadcaster_id'].filter(Boolean);
        eventsubDetail = `EventSub needs ${missing.join(' and ')}`;
        ctx.log.warn({ event: 'twitch.eventsub_not_configured', client_id_env: es.client_id_env, token_env: es.token_env }, 'EventSub is enabled but not configured');
      } else {
        const esRouter = new EventsubRouter(es, ctx.input, moderator, counters, (name) => ctx.output.emotion(name, 'twitch-redemption'), (r) => ctx.bus.emit('redemption.received', r), ctx.log);
        const subs: Subscription[] = [];
        if (es.follows) subs.push({ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: es.broadcaster_id, moderator_user_id: es.broadcaster_id } });
        if (es.redemptions) subs.push({ type: 'channel.channel_points_custom_reward_redemption.add', version: '1', condition: { broadcaster_user_id: es.broadcaster_id } });
        const conn = new EventsubConnection({
          url: es.url,
          helixUrl: es.helix_url,
          clientId,
          token: esToken,
          tokenEnv: es.token_env,
          subscriptions: subs,
          backoff: backoff(es.reconnect),
          log: ctx.log,
          onState: (_s, text) => {
            eventsubDetail = text;
            publish();
          },
          onNotification: (type, event, messageId) => esRouter.handle(type, event, messageId),
          onRevocation: () => publish(),
        });
        eventsub = conn;
        ctx.onDispose(() => conn.stop());
        conn.start();
      }
    }

    // Counters change with every message: refresh the admin view now and then, not per message.
    const refresh = setInterval(publish, 5_000);
    refresh.unref();
    ctx.onDispose(() => {
      clearInterval(refresh);
      state = 'stopped';
    });
  },
});
