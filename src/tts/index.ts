import type { CharacterConfig, Config } from '../config-schema.ts';
import type { TtsEngineName } from './voice-config.ts';
import '../core/speech.ts';
import { defineStage, type StageContext, type StageDefinition } from '../plugin-host/define-stage.ts';
import { type ChainEntry, EngineChain } from './engine-chain.ts';
import type { Prosody, TtsEngine } from './engine.ts';
import { EdgeEngine } from './engines/edge-engine.ts';
import { EspeakEngine } from './engines/espeak-engine.ts';
import { SherpaEngine } from './engines/sherpa-engine.ts';
import { HubSpeechOutput } from './speech-output.ts';
import { registerTtsRoutes } from './tts-routes.ts';
import { TtsTaskManager } from './tts-task-manager.ts';

export interface TtsStageOptions {
  /** Engines in fallback order, replacing the configured ones (tests use scripted engines); `config` is the character's. */
  engines?: (ctx: StageContext, config: Readonly<Config>) => TtsEngine[];
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

/** One character's voice: its probed engines, the fallback chain over the usable ones, and the task manager. */
interface Voice {
  engines: TtsEngine[];
  entries: ChainEntry[];
  unavailable: Record<string, string>;
  chain: EngineChain;
  manager: TtsTaskManager;
  prosody: Prosody;
}

/** Probes the character's engines and builds its chain; undefined (with why) when no engine can run. */
async function buildVoice(ctx: StageContext, config: Readonly<Config>, options: TtsStageOptions, onChange: () => void): Promise<Voice | { unavailable: Record<string, string>; engines: TtsEngine[] }> {
  const { tts, character } = config;
  const engines = options.engines ? options.engines(ctx, config) : configuredEngines(config, ctx.settings.modelsDir);
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
  if (entries.length === 0) return { unavailable, engines };
  const chain = new EngineChain(
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
    onChange,
  );
  const v = character.voice;
  const prosody: Prosody = { rate: v.rate, pitch: v.pitch, volume: v.volume };
  const manager = new TtsTaskManager(chain, { concurrency: tts.concurrency, antiRepeatWindowMs: tts.anti_repeat_window_ms, baseProsody: prosody, emotionProsody: v.emotions }, ctx.log);
  return { engines, entries, unavailable, chain, manager, prosody };
}

async function disposeEngines(engines: readonly TtsEngine[], keep: readonly TtsEngine[] = []): Promise<void> {
  for (const e of engines) if (!keep.includes(e)) await e.dispose?.();
}

/**
 * The TTS stage: probes the engines, builds the fallback chain and the task manager, and offers
 * the 'speech' service the agent speaks through. `/admin/status` shows the live engine. A runtime
 * character switch builds the new character's voice first and swaps it in when the switch commits.
 */
export function createTtsStage(options: TtsStageOptions = {}): StageDefinition {
  return defineStage({
    name: 'tts',
    async setup(ctx) {
      const { tts } = ctx.config;
      if (!tts.enabled) {
        ctx.setStatus('disabled', { detail: 'tts.enabled is false: replies are text only' });
        return;
      }
      const built = await buildVoice(ctx, ctx.config, options, () => report());
      if (!('chain' in built)) {
        await disposeEngines(built.engines);
        ctx.setStatus('unavailable', { detail: `no TTS engine can run: ${Object.entries(built.unavailable).map(([n, d]) => `${n}: ${d}`).join('; ')}`, info: { unavailable: built.unavailable } });
        return;
      }
      let voice: Voice = built;
      const report = (): void => {
        const { chain, unavailable } = voice;
        const preferred = voice.entries[0]?.engine.name;
        const engines = chain.snapshot();
        const coolingPreferred = preferred !== undefined && engines[preferred]?.state === 'cooldown';
        const current = ctx.currentConfig();
        // The voice each engine speaks with (explicit, or its default for character.language).
        const voices = Object.fromEntries(voice.entries.map((e) => [e.engine.name, e.voice]));
        const info = { character: current.active_character, engine: chain.live ?? null, order: chain.engineNames, voices, language: current.character.language, engines, unavailable, cache: chain.cacheStats };
        if (coolingPreferred) ctx.setStatus('degraded', { detail: `${preferred} keeps failing; speaking with ${chain.live ?? 'the next engine'}`, info });
        else ctx.setStatus('live', { detail: `speaking with ${chain.live ?? preferred}`, info });
      };
      ctx.onDispose(() => disposeEngines(voice.engines));
      // Warm-ups (e.g. espeak-ng processes waiting ready) are topped up when a turn ends, so the next
      // turn finds them ready; spawning a process blocks the loop for several ms, which must not land
      // between a turn's start and its LLM request. Not during daemon start-up (setup stays fast): the
      // first turn starts them on the next loop turn, while its LLM request is in flight.
      const prepare = (): void => {
        setImmediate(() => {
          const current = voice;
          for (const e of current.entries) e.engine.prepare?.(e.voice);
        });
      };
      ctx.on('turn.started', prepare);
      ctx.on('turn.ended', prepare);
      const output = new HubSpeechOutput(voice.manager, ctx.output, ctx.log, tts.chunk_ms);
      ctx.onDispose(ctx.services.provide('speech', output));
      ctx.routes((app) => registerTtsRoutes(app, { chain: () => voice.chain, base: () => voice.prosody, requireAdmin: ctx.requireAdmin, signal: ctx.signal }));

      ctx.onCharacterSwitch({
        name: 'tts',
        prepare: async (next) => {
          const nextVoice = await buildVoice(ctx, next, options, () => report());
          const keep = voice.engines;
          if (!('chain' in nextVoice)) {
            await disposeEngines(nextVoice.engines, keep);
            throw new Error(`no TTS engine can run for ${next.active_character}: ${Object.entries(nextVoice.unavailable).map(([n, d]) => `${n}: ${d}`).join('; ')}`);
          }
          return {
            commit: async () => {
              const old = voice;
              voice = nextVoice;
              output.setManager(nextVoice.manager);
              report();
              ctx.log.info({ event: 'tts.voice_switched', character: next.active_character, order: nextVoice.chain.engineNames, voices: nextVoice.entries.map((e) => `${e.engine.name}:${e.voice}`) }, 'TTS voice switched');
              await disposeEngines(old.engines, nextVoice.engines);
            },
            cancel: () => disposeEngines(nextVoice.engines, keep),
          };
        },
      });
      report();
      ctx.log.info({ event: 'tts.ready', order: voice.chain.engineNames, unavailable: Object.keys(voice.unavailable) }, 'TTS ready');
    },
  });
}

export const ttsStage: StageDefinition = createTtsStage();
