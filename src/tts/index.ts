import type { CharacterConfig } from '../config-schema.ts';
import type { Config } from '../config-schema.ts';
import type { TtsEngineName } from './voice-config.ts';
import '../core/speech.ts';
import { defineStage, type StageContext, type StageDefinition } from '../plugin-host/define-stage.ts';
import { type ChainEntry, EngineChain } from './engine-chain.ts';
import type { TtsEngine } from './engine.ts';
import { EdgeEngine } from './engines/edge-engine.ts';
import { EspeakEngine } from './engines/espeak-engine.ts';
import { SherpaEngine } from './engines/sherpa-engine.ts';
import { HubSpeechOutput } from './speech-output.ts';
import { registerTtsRoutes } from './tts-routes.ts';
import { TtsTaskManager } from './tts-task-manager.ts';

export interface TtsStageOptions {
  /** Engines in fallback order, replacing the configured ones (tests use scripted engines). */
  engines?: (ctx: StageContext) => TtsEngine[];
}

/** The configured engines, in `character.voice.engines` order; models and voices follow `character.language`. */
export function configuredEngines(config: Pick<Config, 'tts' | 'character'>, modelsDir: string): TtsEngine[] {
  const { tts, character } = config;
  const make = (name: TtsEngineName): TtsEngine => {
    switch (name) {
      case 'edge':
        return new EdgeEngine(tts.edge.decoder);
      case 'sherpa':
        return new SherpaEngine({ modelsDir, model: character.voice.sherpa.model, language: character.language, numThreads: tts.sherpa.num_threads });
      case 'espeak':
        return new EspeakEngine(tts.espeak.command);
    }
  };
  return [...new Set(character.voice.engines)].map(make);
}

/** The voice `engine` speaks with: the character's explicit setting, else the engine's default for `character.language`. */
export function voiceFor(character: CharacterConfig, engine: TtsEngine): string {
  const v = character.voice;
  const configured = engine.name === 'edge' ? v.edge.voice : engine.name === 'espeak' ? v.espeak.voice : engine.name === 'sherpa' ? String(v.sherpa.speaker) : '';
  return configured || engine.defaultVoice(character.language);
}

/**
 * The TTS stage: probes the engines, builds the fallback chain and the task manager, and offers
 * the 'speech' service the agent speaks through. `/admin/status` shows the live engine.
 */
export function createTtsStage(options: TtsStageOptions = {}): StageDefinition {
  return defineStage({
    name: 'tts',
    async setup(ctx) {
      const { tts, character } = ctx.config;
      if (!tts.enabled) {
        ctx.setStatus('disabled', { detail: 'tts.enabled is false: replies are text only' });
        return;
      }
      const engines = options.engines ? options.engines(ctx) : configuredEngines(ctx.config, ctx.settings.modelsDir);
      const probes = await Promise.all(engines.map(async (e) => ({ engine: e, result: await e.probe().catch((err: unknown) => ({ ok: false, detail: String(err) })) })));
      const unavailable: Record<string, string> = {};
      const entries: ChainEntry[] = [];
      for (const { engine, result } of probes) {
        if (result.ok) entries.push({ engine, voice: voiceFor(character, engine) });
        else {
          unavailable[engine.name] = result.detail ?? 'unavailable';
          ctx.log.warn({ event: 'tts.engine_unavailable', engine: engine.name, detail: result.detail }, 'TTS engine unavailable, leaving it out of the chain');
        }
      }
      ctx.onDispose(async () => {
        for (const e of engines) await e.dispose?.();
      });
      if (entries.length === 0) {
        ctx.setStatus('unavailable', { detail: `no TTS engine can run: ${Object.entries(unavailable).map(([n, d]) => `${n}: ${d}`).join('; ')}`, info: { unavailable } });
        return;
      }
      const preferred = entries[0]?.engine.name;
      // The voice each engine speaks with (explicit, or its default for character.language).
      const voices = Object.fromEntries(entries.map((e) => [e.engine.name, e.voice]));
      const report = (): void => {
        const engines = chain.snapshot();
        const coolingPreferred = preferred !== undefined && engines[preferred]?.state === 'cooldown';
        const info = { engine: chain.live ?? null, order: chain.engineNames, voices, language: character.language, engines, unavailable, cache: chain.cacheStats };
        if (coolingPreferred) ctx.setStatus('degraded', { detail: `${preferred} keeps failing; speaking with ${chain.live ?? 'the next engine'}`, info });
        else ctx.setStatus('live', { detail: `speaking with ${chain.live ?? preferred}`, info });
      };
      const chain: EngineChain = new EngineChain(
        entries,
        {
          firstAudioTimeoutMs: tts.first_audio_timeout_ms,
          stallTimeoutMs: tts.stall_timeout_ms,
          failuresBeforeCooldown: tts.failures_before_cooldown,
          cooldownMs: tts.cooldown_ms,
          cacheEntries: tts.cache_entries,
          cacheMaxSeconds: tts.cache_max_seconds,
        },
        ctx.log,
        () => report(),
      );
      const v = character.voice;
      // Warm-ups (e.g. espeak-ng processes waiting ready) are topped up when a turn ends, so the next
      // turn finds them ready; spawning a process blocks the loop for several ms, which must not land
      // between a turn's start and its LLM request. Not during daemon start-up (setup stays fast): the
      // first turn starts them on the next loop turn, while its LLM request is in flight.
      const prepare = (): void => {
        setImmediate(() => {
          for (const e of entries) e.engine.prepare?.(e.voice, { rate: v.rate, pitch: v.pitch, volume: v.volume });
        });
      };
      ctx.on('turn.started', prepare);
      ctx.on('turn.ended', prepare);
      const manager = new TtsTaskManager(chain, { concurrency: tts.concurrency, antiRepeatWindowMs: tts.anti_repeat_window_ms, baseProsody: { rate: v.rate, pitch: v.pitch, volume: v.volume }, emotionProsody: v.emotions }, ctx.log);
      const output = new HubSpeechOutput(manager, ctx.output, ctx.log, tts.chunk_ms);
      ctx.onDispose(ctx.services.provide('speech', output));
      ctx.routes((app) => registerTtsRoutes(app, { chain, base: { rate: v.rate, pitch: v.pitch, volume: v.volume }, requireAdmin: ctx.requireAdmin, signal: ctx.signal }));
      report();
      ctx.log.info({ event: 'tts.ready', order: chain.engineNames, unavailable: Object.keys(unavailable) }, 'TTS ready');
    },
  });
}

export const ttsStage: StageDefinition = createTtsStage();
