import { existsSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { OlvCompatConfigSchema } from './config.ts';
import { toModelInfo } from './model-info.ts';
import { runOlvSession, type CharacterInfo } from './olv-session.ts';

const BG_EXT = /\.(png|jpe?g|webp|gif)$/i;

function engineBase(app: FastifyInstance): string {
  const addr = app.server.address() as AddressInfo | string | null;
  if (!addr || typeof addr === 'string') throw new Error('server is not listening on TCP');
  const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return `${host}:${addr.port}`;
}

/**
 * Open-LLM-VTuber's websocket protocol at `/client-ws`, so their web and desktop client can use
 * this engine as its backend. Each of their clients is bridged onto our own `/ws`.
 */
export default definePlugin({
  name: 'olv-compat',
  description: 'Serves the Open-LLM-VTuber client protocol at /client-ws, bridged onto the engine',
  configSchema: OlvCompatConfigSchema,
  setup(ctx) {
    const bgDir = path.join(ctx.settings.dataDir, 'backgrounds');
    const charactersDir = ctx.settings.charactersDir;
    const token = ctx.settings.inputToken;
    const configFiles = (): Array<{ filename: string; name: string }> =>
      existsSync(charactersDir)
        ? readdirSync(charactersDir)
            .filter((f) => /\.ya?ml$/.test(f) && !/\.memory\.ya?ml$/.test(f))
            .sort()
            .map((f) => ({ filename: f, name: f.replace(/\.ya?ml$/, '') }))
        : [];
    const backgrounds = (): string[] => (existsSync(bgDir) ? readdirSync(bgDir).filter((f) => BG_EXT.test(f)).sort() : []);

    ctx.rootRoutes(async (app) => {
      if (existsSync(bgDir)) await app.register(fastifyStatic, { root: bgDir, prefix: '/bg/', decorateReply: false, index: false });
      app.get(ctx.config.path, { websocket: true }, (socket) => {
        const base = engineBase(app);
        const character = async (): Promise<CharacterInfo> => {
          const res = await fetch(`http://${base}/api/character`);
          if (!res.ok) throw new Error(`/api/character answered ${res.status}`);
          const body: unknown = await res.json();
          return toModelInfo(body, ctx.appConfig.active_character);
        };
        runOlvSession(socket, {
          config: ctx.config,
          log: ctx.log,
          engineUrl: `ws://${base}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`,
          character,
          configFiles,
          backgrounds,
        });
      });
    });
    ctx.setStatus('live', { detail: `Open-LLM-VTuber clients at ${ctx.config.path}` });
  },
});
