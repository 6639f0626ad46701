import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import '../../src/agent/history/history-service.ts';
import { SYSTEM_USER } from '../../src/agent/proactive.ts';
import { listCharacters } from '../../src/config/character-catalog.ts';
import { ConfigSchema } from '../../src/config-schema.ts';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { tokensEqual } from '../../src/server/tokens.ts';
import { OlvCompatConfigSchema } from './config.ts';
import { toModelInfo } from './model-info.ts';
import { OlvHistory } from './olv-history.ts';
import { runOlvSession, type CharacterInfo } from './olv-session.ts';

// scan_bg_directory() in their config_manager/utils.py lists these; webp is ours on top.
const BG_EXT = /\.(png|jpe?g|webp|gif)$/i;

function engineBase(app: FastifyInstance): string {
  const addr = app.server.address() as AddressInfo | string | null;
  if (!addr || typeof addr === 'string') throw new Error('server is not listening on TCP');
  const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return `${host}:${addr.port}`;
}

function queryToken(url: string | undefined): string | undefined {
  const t = new URL(url ?? '/', 'http://x').searchParams.get('token');
  return t === null || t === '' ? undefined : t;
}

/**
 * Open-LLM-VTuber's websocket protocol at `/client-ws` and the static routes their client loads
 * (`/bg/`), so their web and desktop client can use this engine as its backend. Each of their
 * clients is bridged onto our own `/ws`.
 */
export default definePlugin({
  name: 'olv-compat',
  description: 'Serves the Open-LLM-VTuber client protocol at /client-ws, bridged onto the engine',
  configSchema: OlvCompatConfigSchema,
  setup(ctx) {
    const bgDir = path.join(ctx.settings.dataDir, 'backgrounds');
    const catalog = { configPath: ctx.settings.configPath, charactersDir: ctx.settings.charactersDir, schema: ConfigSchema };
    const adminToken = ctx.settings.adminToken;
    // Their `config-files`: one entry per usable character; `name` is what their menu shows and matches `conf_name`.
    const configFiles = (): Array<{ filename: string; name: string }> =>
      existsSync(catalog.charactersDir)
        ? listCharacters(catalog)
            .filter((c) => c.valid)
            .map((c) => ({ filename: `${c.name}.yaml`, name: c.displayName ?? c.name }))
        : [];
    const backgrounds = (): string[] => (existsSync(bgDir) ? readdirSync(bgDir).filter((f) => BG_EXT.test(f)).sort() : []);
    let current: CharacterInfo | undefined;
    const history = new OlvHistory(
      () => ctx.services.get('history'),
      () => current?.displayName ?? ctx.appConfig.character.display_name,
    );

    ctx.rootRoutes(async (app) => {
      // Created up front so images dropped in later are served without a restart.
      mkdirSync(bgDir, { recursive: true });
      await app.register(fastifyStatic, { root: bgDir, prefix: '/bg/', decorateReply: false, index: false });
      app.get(ctx.config.path, { websocket: true }, (socket, req) => {
        const base = engineBase(app);
        const token = queryToken(req.url);
        const character = async (): Promise<CharacterInfo> => {
          const res = await fetch(`http://${base}/api/character`);
          if (!res.ok) throw new Error(`/api/character answered ${res.status}`);
          const body: unknown = await res.json();
          current = toModelInfo(body, ctx.appConfig.active_character);
          return current;
        };
        runOlvSession(socket, {
          config: ctx.config,
          log: ctx.log,
          engineUrl: `ws://${base}/ws`,
          token,
          isAdmin: adminToken !== undefined && token !== undefined && tokensEqual(token, adminToken),
          character,
          configFiles,
          backgrounds,
          history,
          speakNow: (clientUid) => {
            ctx.input.push({ kind: 'proactive', text: '', user: SYSTEM_USER, source: 'olv-compat', ...(clientUid ? { clientUid } : {}) });
          },
        });
      });
    });
    ctx.setStatus('live', { detail: `Open-LLM-VTuber clients at ${ctx.config.path}` });
  },
});
