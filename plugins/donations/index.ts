import { ChatModerator } from '../../src/chat/chat-moderator.ts';
import type { ComponentState } from '../../src/core/status-registry.ts';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { DonationsConfigSchema, SERVICE_NAMES, type DonationsConfig, type ServiceName } from './config.ts';
import { DonationAlertsConnection } from './donationalerts-connection.ts';
import { DonationRouter } from './donation-router.ts';
import type { ConnectionOptions, ConnectionState, ServiceConnection } from './service-connection.ts';
import { StreamElementsConnection } from './streamelements-connection.ts';
import { StreamlabsConnection } from './streamlabs-connection.ts';

function createConnection(service: ServiceName, cfg: Readonly<DonationsConfig>, opts: ConnectionOptions): ServiceConnection {
  switch (service) {
    case 'streamelements':
      return new StreamElementsConnection(cfg.streamelements, opts);
    case 'streamlabs':
      return new StreamlabsConnection(cfg.streamlabs, opts);
    case 'donationalerts':
      return new DonationAlertsConnection(cfg.donationalerts, opts);
  }
}

interface ServiceSlot {
  tokenEnv: string;
  connection: ServiceConnection | undefined;
  /** Why there is no connection (not configured), when there is none. */
  missing: string | undefined;
}

/** All connected: live. Something enabled but not connected: degraded. Nothing enabled: disabled. */
function overall(states: ConnectionState[]): ComponentState {
  if (states.length === 0) return 'disabled';
  if (states.every((s) => s === 'stopped')) return 'stopped';
  return states.every((s) => s === 'connected') ? 'live' : 'degraded';
}

export default definePlugin({
  name: 'donations',
  description: 'Donations from StreamElements, Streamlabs and DonationAlerts as `donation` inputs, deduplicated by the service id and moderated like chat',
  configSchema: DonationsConfigSchema,
  setup(ctx) {
    const cfg = ctx.config;
    const moderator = new ChatModerator(cfg.moderation);
    const router = new DonationRouter(cfg, ctx.input, moderator, ctx.log);
    const slots = new Map<ServiceName, ServiceSlot>();

    const serviceStatus = (service: ServiceName) => {
      const slot = slots.get(service);
      if (!slot) return undefined;
      const c = slot.connection;
      return {
        state: c ? c.state : ('not_configured' as const),
        detail: c ? c.detail : (slot.missing ?? ''),
        tokenEnv: slot.tokenEnv,
        connects: c?.connects ?? 0,
        reconnects: c?.reconnects ?? 0,
        connectedSince: c?.connectedAt ? new Date(c.connectedAt).toISOString() : null,
        lastError: c?.lastError ?? null,
        ...router.counts[service],
      };
    };
    const snapshot = () => Object.fromEntries([...slots.keys()].map((s) => [s, serviceStatus(s)]));
    const publish = (): void => {
      const services = snapshot();
      const entries = Object.entries(services);
      const states = entries.map(([, s]) => s?.state ?? 'not_configured');
      const detail = entries.length === 0 ? 'no donation service is enabled (plugins.donations.<service>.enabled)' : entries.map(([name, s]) => `${name}: ${s?.state ?? 'not_configured'}`).join(', ');
      ctx.setStatus(overall(states), { detail, info: { services } });
    };

    for (const service of SERVICE_NAMES) {
      const sc = cfg[service];
      if (!sc.enabled) continue;
      const token = ctx.secret(sc.token_env);
      if (!token) {
        slots.set(service, { tokenEnv: sc.token_env, connection: undefined, missing: `set ${sc.token_env} in the environment (.env)` });
        ctx.log.warn({ event: 'donations.not_configured', service, token_env: sc.token_env }, 'donation service is enabled but its token is not set');
        continue;
      }
      const connection = createConnection(service, cfg, {
        token,
        tokenEnv: sc.token_env,
        cfg,
        log: ctx.log,
        onState: publish,
        onDonation: (d) => {
          router.accept(service, d);
          publish();
        },
      });
      slots.set(service, { tokenEnv: sc.token_env, connection, missing: undefined });
    }

    ctx.routes((app) => {
      app.get('/status', async () => ({ services: snapshot(), accept_test_events: cfg.accept_test_events }));
    });

    for (const [service, slot] of slots) {
      if (!slot.connection) continue;
      const connection = slot.connection;
      ctx.onDispose(() => connection.stop());
      ctx.log.info({ event: 'donations.starting', service }, 'connecting to donation service');
      connection.start();
    }
    publish();
  },
});
