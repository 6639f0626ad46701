import { z } from 'zod';
import type { Config } from '../../src/config-schema.ts';
import type { InputQueue } from '../../src/core/input-queue.ts';
import type { ServiceRegistry } from '../../src/core/services.ts';
import type { StatusRegistry } from '../../src/core/status-registry.ts';
import type { TurnOutput } from '../../src/server/ws/turn-output.ts';
import type { TranscriptLog } from './transcript-log.ts';

/** A tool the engine offers to MCP clients: a zod input schema and a handler returning text. */
export interface EngineTool {
  name: string;
  description: string;
  schema: z.ZodObject;
  handler(args: Record<string, unknown>): Promise<string>;
}

export interface EngineToolDeps {
  appConfig: Readonly<Config>;
  input: InputQueue;
  services: ServiceRegistry;
  /** The status registry view (stages and plugins). */
  status: () => ReturnType<StatusRegistry['snapshot']>;
  /** The turn-output port: `set_emotion` shows an expression outside any reply. */
  output: Pick<TurnOutput, 'emotion'>;
  transcript: TranscriptLog;
  maxSayChars: number;
}

export class ToolFailure extends Error {}

/** The tools, built per request so `obs_scene` follows the OBS plugin's presence and allow-list. */
export function engineTools(deps: EngineToolDeps): EngineTool[] {
  const tools: EngineTool[] = [
    {
      name: 'say',
      description: 'Make the character say this text out loud, word for word, as its next turn.',
      schema: z.object({ text: z.string().trim().min(1).max(deps.maxSayChars).describe('what the character says') }).strict(),
      handler: async (a) => {
        const item = deps.input.push({
          kind: 'system',
          text: String(a.text),
          user: { id: 'mcp:client', displayName: 'MCP client', platform: 'mcp' },
          source: 'mcp',
          verbatim: true,
        });
        return `queued to be spoken (input ${item.id}, ${deps.input.size} waiting)`;
      },
    },
    {
      name: 'set_emotion',
      description: 'Set the avatar\'s facial expression now (e.g. joy, sad, angry, surprised, neutral).',
      schema: z.object({ name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a lower-case emotion name').describe('emotion name') }).strict(),
      handler: async (a) => {
        const name = String(a.name);
        deps.output.emotion(name, 'mcp');
        return `emotion set to ${name}`;
      },
    },
    {
      name: 'get_status',
      description: 'The engine\'s state: stages and plugins with their status, queue length.',
      schema: z.object({}).strict(),
      handler: async () => {
        const snap = deps.status();
        const brief = (m: Record<string, { state: string; detail?: string }>): Record<string, string> =>
          Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.detail ? `${v.state}: ${v.detail}` : v.state]));
        return JSON.stringify({ character: deps.appConfig.character.display_name, queued_inputs: deps.input.size, stages: brief(snap.stages), plugins: brief(snap.plugins) });
      },
    },
    {
      name: 'memory_search',
      description: 'Search the character\'s long-term memory; returns the best matching memories.',
      schema: z.object({ query: z.string().trim().min(1).max(500), k: z.number().int().min(1).max(20).default(5) }).strict(),
      handler: async (a) => {
        const memory = deps.services.get('memory');
        if (!memory) throw new ToolFailure('memory unavailable: the memory stage is not running');
        const items = await memory.search(String(a.query), Number(a.k), {});
        if (items.length === 0) return 'no matching memories';
        return items.map((i, n) => `${n + 1}. ${i.text}`).join('\n');
      },
    },
  ];
  const obs = deps.services.get('obs');
  const scenes = obs?.allow.scenes ?? [];
  if (obs && scenes.length > 0) {
    tools.push({
      name: 'obs_scene',
      description: `Switch the OBS program scene. Allowed: ${scenes.join(', ')}.`,
      schema: z.object({ name: z.enum(scenes as [string, ...string[]]) }).strict(),
      handler: async (a) => {
        await obs.perform({ type: 'scene', name: String(a.name) });
        return `switched to scene ${String(a.name)}`;
      },
    });
  }
  return tools;
}
