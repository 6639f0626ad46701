import { setTimeout as sleep } from 'node:timers/promises';
import type { AsrEngine, AsrEngineFactory } from '../../src/asr/asr-engine.ts';
import { getAsrEngineFactory, registerAsrEngine } from '../../src/asr/engine-registry.ts';

/**
 * TEST ENGINE — not a recognizer. When no real ASR model is in VTUBER_MODELS_DIR, the end-to-end
 * harness uses this engine: it returns the fixture's known transcript after a configured delay,
 * so the rest of the pipeline (real VAD, agent, TTS, websocket) runs for real. Select it with
 * `asr.engine: scripted-test` after calling `registerScriptedAsr()`.
 */
export const SCRIPTED_ASR_ENGINE = 'scripted-test';

export interface ScriptedAsr {
  /** Transcripts returned in order, one per utterance. */
  expect(...transcripts: string[]): void;
  delayMs: number;
  /** Utterances transcribed so far (sample counts), for assertions. */
  readonly calls: number[];
  /** How long each transcription really took (the scripted delay plus timer lateness), in ms. */
  readonly durations: number[];
}

const state: ScriptedAsr & { queue: string[] } = {
  queue: [],
  delayMs: 30,
  calls: [],
  durations: [],
  expect(...transcripts: string[]) {
    this.queue.push(...transcripts);
  },
};

const factory: AsrEngineFactory = {
  name: SCRIPTED_ASR_ENGINE,
  description: 'TEST ENGINE: returns scripted transcripts after a fixed delay (end-to-end harness only)',
  async create(): Promise<AsrEngine> {
    return {
      name: SCRIPTED_ASR_ENGINE,
      model: 'scripted transcripts',
      streaming: false,
      async transcribe(samples, signal) {
        state.calls.push(samples.length);
        const t0 = performance.now();
        await sleep(state.delayMs, undefined, signal ? { signal } : {});
        state.durations.push(performance.now() - t0);
        return { text: state.queue.shift() ?? '' };
      },
      dispose() {},
    };
  },
};

/** Registers the test engine once per process and returns its script. */
export function registerScriptedAsr(): ScriptedAsr {
  if (!getAsrEngineFactory(SCRIPTED_ASR_ENGINE)) registerAsrEngine(factory);
  return state;
}
