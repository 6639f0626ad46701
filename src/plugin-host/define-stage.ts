import type { FastifyInstance } from 'fastify';
import type { Config } from '../config-schema.ts';
import type { TurnTracker } from '../core/turn-tracker.ts';
import type { StatusRegistry } from '../core/status-registry.ts';
import type { ToolRegistry } from '../core/tool-registry.ts';
import type { ClientHub } from '../server/ws/client-hub.ts';
import type { Disposer } from '../core/disposable.ts';
import type { PluginContext } from './define-plugin.ts';
import type { SwitchParticipant } from '../characters/character-switcher.ts';

/**
 * What a built-in stage (VAD, ASR, agent, TTS, memory...) gets: everything a plugin gets, plus the
 * client hub, the turn tracker, the whole tool registry and the status registry.
 */
export interface StageContext extends Omit<PluginContext<Config>, 'routes' | 'rootRoutes'> {
  readonly hub: ClientHub;
  readonly turns: TurnTracker;
  readonly tools: ToolRegistry;
  readonly status: StatusRegistry;
  /**
   * Takes part in runtime character switches: `prepare` builds what the next character needs, the
   * returned swap binds it. Removed automatically on stop. `config` stays the config the stage started
   * with; read the current character from `currentConfig()`.
   */
  onCharacterSwitch(participant: SwitchParticipant): void;
  /** The config of the character the daemon speaks as now (changes on a switch). */
  currentConfig(): Readonly<Config>;
  /** Registers routes at the root (or under `prefix`). Call during setup. */
  routes(register: (app: FastifyInstance) => void | Promise<void>, prefix?: string): void;
}

export interface StageDefinition {
  name: string;
  /** Builds the stage. Throwing marks the stage failed; the daemon runs on without it. */
  setup(ctx: StageContext): void | Disposer | Promise<void | Disposer>;
}

export function defineStage(definition: StageDefinition): StageDefinition {
  return definition;
}
