import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgentStage } from '../../../src/agent/agent-stage.ts';
import { asrStage } from '../../../src/asr/asr-stage.ts';
import type { AudioChunk, EngineAvailability, TtsEngine } from '../../../src/tts/engine.ts';
import { createTtsStage } from '../../../src/tts/index.ts';
import { vadStage } from '../../../src/vad/vad-stage.ts';
import { voiceStage } from '../../../src/voice/voice-stage.ts';
import { openaiProvider } from '../../../test/agent/agent-daemon.ts';
import { startFakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import { fakeTranscriptionServer } from '../../../test/fakes/fake-transcription-server.ts';
import { sleep, tone } from '../../../test/helpers/scripted-tts-engine.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';

export const ADMIN_TOKEN = 'olv-test-admin-token-0123456789';
/** What the scripted speech recognizer hears (the fixture's transcript in MANIFEST.md). */
export const HEARD = 'Hello there, how are you today?';
/** Each segment is three 100 ms chunks at these amplitudes, so its volumes are 0.25, 1, 0.5 per 20 ms slice. */
export const AMPLITUDES = [1000, 4000, 2000] as const;

/** A TTS engine whose loudness changes within a segment, so the `volumes` envelope can be checked. */
class EnvelopeEngine implements TtsEngine {
  readonly name = 'envelope';
  async probe(): Promise<EngineAvailability> {
    return { ok: true };
  }
  defaultVoice(): string {
    return 'envelope-voice';
  }
  async *synthesize(_text: string, _voice: string, _prosody: unknown, signal: AbortSignal): AsyncIterable<AudioChunk> {
    for (const a of AMPLITUDES) {
      await sleep(20, signal);
      yield { pcm: tone(a, 100), sampleRate: 16_000 };
    }
  }
}

/**
 * The real daemon with the plugin, the real Silero VAD and voice session, the agent on a local fake
 * of OpenAI's streaming chat completions, and speech recognition through the remote engine against
 * a local fake of OpenAI's /v1/audio/transcriptions (scripted, since no ASR model is on this machine).
 * Two characters: Aria (English, Shizuku) and Лена (Russian, Haru).
 */
export async function startOlvDaemon(plugin: Record<string, unknown> = {}, extra: { env?: Record<string, string>; server?: Record<string, unknown> } = {}) {
  const chars = mkdtempSync(path.join(os.tmpdir(), 'olv-chars-'));
  writeFileSync(path.join(chars, 'aria.yaml'), ['display_name: Aria', 'language: en', 'greeting: ""', 'live2d:', '  model: shizuku', '  emotion_map: { joy: 3, sad: f02 }', ''].join('\n'));
  writeFileSync(path.join(chars, 'lena.yaml'), ['display_name: Лена', 'language: ru', 'greeting: ""', 'live2d:', '  model: haru', '  emotion_map: { joy: 2 }', ''].join('\n'));
  const llm = await startFakeOpenAiServer();
  const asr = await fakeTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: HEARD }) }));
  const d = await startTestDaemon({
    stages: [vadStage, asrStage, voiceStage, createAgentStage(), createTtsStage({ engines: () => [new EnvelopeEngine()] })],
    env: { VTUBER_ADMIN_TOKEN: ADMIN_TOKEN, VTUBER_CHARACTERS_DIR: chars, ...extra.env },
    config: {
      active_character: 'aria',
      character: { greeting: '', llm: { providers: [openaiProvider(llm.baseUrl, 'fake')] } },
      tts: { cache_entries: 0, anti_repeat_window_ms: 0 },
      asr: { engine: 'remote', remote: { base_url: asr.baseUrl } },
      plugins: { enabled: ['olv-compat'], 'olv-compat': plugin },
      ...(extra.server ? { server: extra.server } : {}),
    },
  });
  const url = d.wsUrl.replace(/\/ws(\?.*)?$/, '/client-ws');
  return {
    llm,
    asr,
    d,
    url,
    adminUrl: `${url}?token=${ADMIN_TOKEN}`,
    async stop() {
      await d.stop();
      await llm.close();
      await asr.close();
      rmSync(chars, { recursive: true, force: true });
    },
  };
}
