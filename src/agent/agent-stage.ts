import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import './agent-events.ts';
import '../asr/asr-events.ts';
import '../vad/vad-events.ts';
import { defineStage, type StageContext, type StageDefinition } from '../plugin-host/define-stage.ts';
import { registerHistoryRoutes } from './history/history-routes.ts';
import { ConversationLog } from './history/conversation-log.ts';
import { HistoryStore } from './history/history-store.ts';
import './history/history-service.ts';
import { InterruptionController } from './interruption.ts';
import { createProviderChain, samplingFromConfig } from './llm/create-provider-chain.ts';
import { registerLocalModelRoutes } from './llm/local-model-routes.ts';
import { LocalModels } from './llm/local-models.ts';
import type { LlmProvider, SamplingSettings } from './llm/llm-types.ts';
import { ProactiveSpeech } from './proactive.ts';
import { PrefetchingProvider } from './llm/prefetching-provider.ts';
import { OutputFilter } from './safety/output-filter.ts';
import { TagVocabulary } from './text/tag-vocabulary.ts';
import { TurnManager } from './turn-manager.ts';
import { TurnRunner } from './turn-runner.ts';
import { SwitchableProvider } from './llm/switchable-provider.ts';
import type { Config } from '../config-schema.ts';
import type { InputItem } from '../core/input.ts';

export interface AgentLlm {
  provider: LlmProvider;
  sampling?: SamplingSettings;
  /** Shown in /admin/status (e.g. the provider chain). */
  info?: Record<string, unknown>;
  /** Local servers found and the model used on each (admin `/admin/llm/local`). */
  local?: LocalModels;
}

/** The provider chain from `character.llm` (of `config`, default the stage's); its health is shown in /admin/status. */
export function defaultAgentLlm(ctx: StageContext, config: Readonly<Config> = ctx.config): AgentLlm | undefined {
  const llmConfig = config.character.llm;
  let ready = false;
  let publish: () => void = () => undefined;
  const llmLog = ctx.log.child({ scope: 'llm' });
  const local = new LocalModels(llmConfig.discovery, llmLog);
  const chain = createProviderChain(llmConfig, { modelsDir: ctx.settings.modelsDir }, llmLog, {
    local,
    onChange: () => {
      if (ready) publish();
    },
  });
  const snap = chain.snapshot();
  publish = () => {
    const current = chain.snapshot();
    const failing = current.providers.filter((p) => p.state === 'failing' || p.state === 'cooling_down').length;
    const usable = current.providers.filter((p) => p.state !== 'unavailable').length;
    const detail = usable === 0 ? 'no usable LLM provider' : 'every LLM provider is failing';
    ctx.setStatus(failing >= usable ? 'degraded' : 'live', { ...(failing >= usable ? { detail } : {}), info: { llm: current } });
  };
  // Local servers (Ollama, LM Studio) found at start join the chain after the configured providers.
  void chain.discoverMore().then((added) => {
    if (added.length > 0) publish();
  });
  ready = true;
  const reasons = snap.providers.map((p) => `${p.id}: ${p.detail ?? 'unavailable'}`).join('; ');
  if (snap.providers.every((p) => p.state === 'unavailable')) ctx.log.warn({ event: 'llm.none_usable', reasons }, 'no usable LLM provider configured; typed messages get a setup hint');
  return { provider: chain, sampling: samplingFromConfig(llmConfig.sampling), info: { llm: snap }, local };
}

export interface AgentStageOptions {
  /**
   * Where replies come from. Default: the provider chain built from `character.llm`. On a runtime
   * character switch it is called again with the new config when `character.llm` differs.
   */
  llm?: (ctx: StageContext, config: Readonly<Config>) => AgentLlm | undefined | Promise<AgentLlm | undefined>;
}

/** Reads prompts/<file>; a missing file is logged and treated as empty. */
export function loadPersonaPrompt(rootDir: string, file: string, ctx: Pick<StageContext, 'log'>): string {
  if (!file) return '';
  const full = path.join(rootDir, 'prompts', file);
  if (!existsSync(full)) {
    ctx.log.warn({ event: 'agent.persona_missing', file }, 'persona prompt file not found; continuing without it');
    return '';
  }
  return readFileSync(full, 'utf8');
}

/**
 * The `agent` stage: the character's brain. It takes inputs from the queue, builds the prompt,
 * streams the LLM reply through segmentation and tag parsing to speech (or to clients as text),
 * handles interruptions, and keeps the conversation history in SQLite.
 */
export function createAgentStage(options: AgentStageOptions = {}): StageDefinition {
  return defineStage({
    name: 'agent',
    async setup(ctx) {
      const character = ctx.config.character;
      const agent = ctx.config.agent;
      const store = new HistoryStore(path.join(ctx.settings.dataDir, 'history.sqlite'));
      ctx.onDispose(() => store.close());
      const history = new ConversationLog(store, ctx.config.active_character, agent.history.resume_last);
      ctx.routes((app) => registerHistoryRoutes(app, ctx.requireAdmin, store, history));
      ctx.onDispose(ctx.services.provide('history', { store, log: history }));

      const makeLlm = options.llm ?? defaultAgentLlm;
      const llm = await makeLlm(ctx, ctx.config);
      let local = llm?.local;
      ctx.routes((app) => registerLocalModelRoutes(app, ctx.requireAdmin, () => local));
      if (!llm) {
        if (ctx.status.get('stage', 'agent')?.state !== 'unavailable') ctx.setStatus('unavailable', { detail: 'no LLM provider configured (character.llm)' });
        return;
      }
      const provider = new SwitchableProvider(llm.provider);
      let llmInfo = llm.info ?? {};
      ctx.onDispose(async () => {
        await provider.dispose();
      });
      const prefetcher = agent.preemptive.enabled ? new PrefetchingProvider(provider, ctx.log.child({ scope: 'llm' })) : undefined;
      const runner = new TurnRunner({
        ctx,
        log: ctx.log,
        character,
        agent,
        persona: loadPersonaPrompt(ctx.settings.rootDir, character.persona_prompt, ctx),
        provider: prefetcher ?? provider,
        ...(prefetcher ? { prefetcher } : {}),
        sampling: llm.sampling ?? {},
        vocabulary: new TagVocabulary(character.emotions, character.motions),
        filter: new OutputFilter(character.spicy_mode),
        history,
      });
      new InterruptionController(ctx, runner, agent, ctx.log).start();
      const preparer = runner.preparer;
      if (preparer) {
        // Only when the tentative voice would be the very next turn: nothing running, nothing queued.
        ctx.on('asr.tentative', (e) => {
          if (runner.active.length === 0 && ctx.input.size === 0) preparer.prepare(e.text, e.clientUid);
        });
        ctx.on('vad.speech_resume', (e) => preparer.discard('voice resumed', e.clientUid));
      }
      const proactive = new ProactiveSpeech(ctx, agent, character.greeting, () => runner.active.length > 0, ctx.log);
      proactive.start();

      const loop = new AbortController();
      const manager = new TurnManager(ctx.input, runner, agent, ctx.log);
      manager.start(loop.signal);
      ctx.onDispose(async () => {
        loop.abort();
        manager.resume();
        for (const t of runner.active) t.abort('shutdown');
        await manager.stopped();
      });
      const publish = (): void => ctx.setStatus('live', { info: { provider: provider.id, character: history.characterName, conversation: history.conversationId, ...llmInfo } });

      // A runtime switch: the new persona, vocabulary, filter, history and (when `character.llm` differs)
      // provider chain are built first; the turn manager holds new turns while the running one ends.
      ctx.onCharacterSwitch({
        name: 'agent',
        prepare: async (next) => {
          const c = next.character;
          const current = ctx.currentConfig().character;
          const sameLlm = JSON.stringify(current.llm) === JSON.stringify(c.llm);
          const nextLlm = sameLlm ? undefined : await makeLlm(ctx, next);
          if (!sameLlm && !nextLlm) throw new Error(`no LLM provider can run for ${next.active_character} (character.llm)`);
          const persona = loadPersonaPrompt(ctx.settings.rootDir, c.persona_prompt, ctx);
          let handedOver: InputItem[] = [];
          let committed = false;
          return {
            pause: () => {
              manager.pause();
              // Replies generated ahead but not yet heard are answered again by the next character.
              handedOver = runner.unspokenInputs();
            },
            drained: () => runner.idle(),
            commit: async () => {
              committed = true;
              runner.setCharacter({ character: c, persona, vocabulary: new TagVocabulary(c.emotions, c.motions), filter: new OutputFilter(c.spicy_mode) });
              history.switchCharacter(next.active_character, agent.history.resume_last);
              if (nextLlm) {
                const old = provider.replace(nextLlm.provider);
                llmInfo = nextLlm.info ?? {};
                local = nextLlm.local;
                if (old !== nextLlm.provider) await old.dispose?.();
              }
              publish();
            },
            resume: () => {
              const greeting = committed ? proactive.switchedTo(c.greeting) : undefined;
              manager.resume(...(greeting ? [greeting] : []), ...handedOver);
              if (handedOver.length > 0) ctx.log.info({ event: 'agent.inputs_handed_over', count: handedOver.length }, 'unspoken inputs handed to the new character');
            },
            cancel: async () => {
              if (nextLlm && nextLlm.provider !== provider.current) await nextLlm.provider.dispose?.();
            },
          };
        },
      });
      publish();
    },
  });
}
