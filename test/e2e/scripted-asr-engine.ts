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

export interface ScriptedCall {
  samples: number;
  text: string;
  /** `performance.now()` when the decode began and ended (the scripted delay plus timer lateness). */
  startedAt: number;
  endedAt: number;
}

export interface ScriptedAsr {
  /**
   * The utterance being spoken: its transcript and where its speech ends in the audio (ms from the
   * stream's start). A segment covering all of it gets the whole transcript; a shorter one (a
   * tentative pause mid-sentence) gets the words in proportion, as a real recognizer would.
   * Lengths count from the stream's start, which is right for fixtures whose speech starts within
   * the VAD's pre-roll (all of ../shared/fixtures/speech do).
   */
  expect(transcript: string, speechEndMs: number): void;
  delayMs: number;
  /** Every transcription so far. */
  readonly calls: ScriptedCall[];
}

/** A segment this close to the utterance's end counts as all of it (the VAD refines ends by tens of ms). */
const WHOLE_SLACK_MS = 100;

const state: ScriptedAsr & { transcript: string; speechEndMs: number } = {
  transcript: '',
  speechEndMs: 0,
  delayMs: 30,
  calls: [],
  expect(transcript: string, speechEndMs: number) {
    this.transcript = transcript;
    this.speechEndMs = speechEndMs;
  },
};

function scriptedText(samples: number): string {
  const ms = (samples * 1000) / 16_000;
  if (ms >= state.speechEndMs - WHOLE_SLACK_MS) return state.transcript;
  // The text heard so far, in proportion to the audio, to the end of the word being spoken (with
  // the punctuation attached to it, as a punctuating recognizer would give at a comma pause).
  const t = state.transcript;
  const at = Math.round((t.length * ms) / Math.max(1, state.speechEndMs));
  const end = t.indexOf(' ', Math.max(0, at - 1));
  return (end < 0 ? t : t.slice(0, end)).trim();
}

const factory: AsrEngineFactory = {
  name: SCRIPTED_ASR_ENGINE,
  description: 'TEST ENGINE: returns scripted transcripts after a fixed delay (end-to-end harness only)',
  async create(): Promise<AsrEngine> {
    return offlineEngine();
  },
};

function offlineEngine(): AsrEngine {
  return {
    name: SCRIPTED_ASR_ENGINE,
    model: 'scripted transcripts',
    streaming: false,
    async transcribe(samples, signal) {
      const startedAt = performance.now();
      await sleep(state.delayMs, undefined, signal ? { signal } : {});
      const text = scriptedText(samples.length);
      state.calls.push({ samples: samples.length, text, startedAt, endedAt: performance.now() });
      return { text };
    },
    dispose() {},
  };
}

/**
 * TEST ENGINE, streaming flavour (`asr.engine: scripted-streaming-test`): an utterance's stream gives
 * the scripted transcript's words in proportion to the audio it has been fed (partials), and the
 * words heard so far at the end. The real VAD decides when streams open and close.
 */
export const SCRIPTED_STREAMING_ASR_ENGINE = 'scripted-streaming-test';

const streamingFactory: AsrEngineFactory = {
  name: SCRIPTED_STREAMING_ASR_ENGINE,
  description: 'TEST ENGINE: streaming partials of scripted transcripts (end-to-end harness only)',
  async create(): Promise<AsrEngine> {
    return {
      ...offlineEngine(),
      name: SCRIPTED_STREAMING_ASR_ENGINE,
      streaming: true,
      createStream() {
        let samples = 0;
        let last = '';
        return {
          accept(chunk: Float32Array) {
            samples += chunk.length;
            const text = scriptedText(samples);
            if (text === last) return undefined;
            last = text;
            return text;
          },
          finish() {
            const text = scriptedText(samples);
            const at = performance.now();
            state.calls.push({ samples, text, startedAt: at, endedAt: at });
            return { text };
          },
        };
      },
    };
  },
};

/** Registers the test engines once per process and returns their script. */
export function registerScriptedAsr(): ScriptedAsr {
  if (!getAsrEngineFactory(SCRIPTED_ASR_ENGINE)) registerAsrEngine(factory);
  if (!getAsrEngineFactory(SCRIPTED_STREAMING_ASR_ENGINE)) registerAsrEngine(streamingFactory);
  return state;
}
