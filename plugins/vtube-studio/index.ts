import path from 'node:path';
import type { ComponentState } from '../../src/core/status-registry.ts';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { VtsConfigSchema } from './config.ts';
import { ExpressionDriver } from './expression-driver.ts';
import { LipSync } from './lip-sync.ts';
import { registerVtsRoutes } from './vts-routes.ts';
import { TokenStore } from './token-store.ts';
import { VtsConnection, type VtsState } from './vts-connection.ts';
import { VTS_ERROR, VtsApiError } from './vts-protocol.ts';

const COMPONENT_STATE: Record<VtsState, ComponentState> = {
  connecting: 'degraded',
  awaiting_allow: 'degraded',
  connected: 'live',
  reconnecting: 'degraded',
  denied: 'degraded',
  stopped: 'stopped',
};

export default definePlugin({
  name: 'vtube-studio',
  description: 'Drives a VTube Studio model: expressions and hotkeys from emotion/motion tags, lip sync from the reply audio',
  configSchema: VtsConfigSchema,
  setup(ctx) {
    const cfg = ctx.config;
    const tokens = new TokenStore(path.resolve(ctx.settings.dataDir, cfg.token_file), cfg.plugin_name, cfg.plugin_developer);
    let detail = 'starting';
    let injectErrors = 0;
    let lastInjectError: string | undefined;

    const publish = (): void => {
      ctx.setStatus(COMPONENT_STATE[conn.state], {
        detail,
        info: {
          connection: conn.state,
          url: cfg.url,
          reconnects: conn.reconnects,
          lastError: conn.lastError ?? null,
          speaking: lipSync.speaking,
          lipSyncFrames: lipSync.frames,
          injectErrors,
          ...driver.counters,
          builtinAvatar: cfg.hide_builtin_avatar ? 'hidden' : 'shown',
        },
      });
    };

    const conn: VtsConnection = new VtsConnection({
      url: cfg.url,
      pluginName: cfg.plugin_name,
      pluginDeveloper: cfg.plugin_developer,
      tokens,
      requestTimeoutMs: cfg.request_timeout_ms,
      allowTimeoutMs: cfg.allow_timeout_ms,
      backoff: { initialMs: cfg.reconnect.initial_ms, maxMs: cfg.reconnect.max_ms, factor: cfg.reconnect.factor, jitter: cfg.reconnect.jitter },
      log: ctx.log,
      onState: (_state, text) => {
        detail = text;
        if (_state !== 'connected') driver.forget();
        publish();
      },
      onReady: () => publish(),
    });
    const driver = new ExpressionDriver(cfg, conn, ctx.log);
    const lipSync = new LipSync({
      rateHz: cfg.lip_sync.rate_hz,
      mouthParameter: cfg.lip_sync.mouth_parameter,
      gain: cfg.lip_sync.gain,
      smile: cfg.lip_sync.smile,
      inject: (values) => {
        if (!conn.ready) return;
        conn.send('InjectParameterDataRequest', { faceFound: false, mode: 'set', parameterValues: values }, (err) => {
          injectErrors++;
          // Log the first of a kind only: at 30 Hz a persistent error would flood the log.
          const text = err.message;
          if (text === lastInjectError) return;
          lastInjectError = text;
          const otherPlugin = err instanceof VtsApiError && err.errorID === VTS_ERROR.INJECT_PARAM_CONTROLLED_BY_OTHER_PLUGIN;
          ctx.log.warn({ event: 'vts.inject_failed', error: text, other_plugin: otherPlugin }, 'VTube Studio refused the lip-sync parameters');
        });
      },
      segmentHeard: (_turnId, _segment, emotion, motions) => driver.segmentHeard(emotion, motions),
      turnHeard: () => {
        driver.replyHeard();
        publish();
      },
    });

    if (cfg.lip_sync.enabled) {
      ctx.on('reply.audio', (a) => lipSync.audio(a));
      ctx.on('client.playback', (p) => lipSync.playback(p));
      ctx.on('reply.audio_stop', (s) => lipSync.stopTurn(s.turnId));
    }
    ctx.on('reply.segment', (s) => {
      lipSync.segment(s);
      // Without lip sync there is no playback clock: act when the segment goes out.
      if (!cfg.lip_sync.enabled) driver.segmentHeard(s.emotion, s.motions ?? []);
    });
    ctx.on('turn.ended', (t) => lipSync.turnEnded(t.turnId));
    // An emotion set outside a reply (MCP set_emotion, a channel-point redemption) shows in VTS too.
    ctx.on('emotion.set', (e) => driver.segmentHeard(e.name, []));

    ctx.routes((app) => registerVtsRoutes(app, { conn, cfg, requireAdmin: ctx.requireAdmin, status: () => ctx.statusSnapshot().plugins['vtube-studio'] }));

    ctx.onDispose(() => {
      lipSync.dispose();
      conn.stop();
    });
    const refresh = setInterval(publish, 5_000);
    refresh.unref();
    ctx.onDispose(() => clearInterval(refresh));
    ctx.log.info({ event: 'vts.starting', url: cfg.url, lip_sync: cfg.lip_sync.enabled, emotions: Object.keys(cfg.emotions).length, motions: Object.keys(cfg.motions).length }, 'connecting to VTube Studio');
    conn.start();
  },
});
