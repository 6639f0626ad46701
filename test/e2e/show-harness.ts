import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT_DIR } from '../../src/config/env.ts';
import { readWavMono, paceAudio, type MonoAudio } from '../../src/audio/wav-source.ts';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';
import type { TurnSummary } from '../../src/core/turn.ts';
import { BUILTIN_STAGES } from '../../src/stages.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer, type FakeReply, type RecordedRequest } from '../fakes/fake-openai-server.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient, type Received } from '../helpers/ws-client.ts';
import { registerScriptedAsr, SCRIPTED_ASR_ENGINE, type ScriptedAsr, type ScriptedCall } from './scripted-asr-engine.ts';

export const FIXTURES = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech');

export interface ShowOptions {
  /** Scripted LLM time to first token and between tokens. */
  ttftMs: number;
  tokenDelayMs: number;
  /** Scripted ASR delay (test engine). */
  asrDelayMs: number;
  /** What the character answers to the n-th user message. */
  reply?: (userText: string, n: number) => string;
  /** Extra conf.yaml content, merged over the harness defaults. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Memory/relationships on (starts Chroma); default off to keep runs short. */
  memory?: boolean;
  /** Extra plugin directories (test fixtures). */
  pluginDirs?: string[];
  /** Level of the in-memory log capture (default info). */
  logLevel?: string;
  /** false: no in-memory capture, the daemon logs to its files only (as in production). */
  captureLogs?: boolean;
}

export interface VoiceTurnResult {
  turnId: string;
  transcript: string;
  /** What the LLM streamed for this turn (tags included). */
  llmReply: string;
  /** What the client was shown (reply-text messages joined). */
  replyText: string;
  /** The first reply-text segment. */
  firstSegment: string;
  /** The fake LLM's record of this turn's request (its own send times). */
  llmRequest: RecordedRequest | undefined;
  /** The test ASR engine's decode that gave the final transcript (at a tentative pause or at the end). */
  asrDecode: ScriptedCall | undefined;
  /** When the VAD reported the tentative pause that the end confirmed (`performance.now()`), if any. */
  pauseAt: number | undefined;
  audioChunks: number;
  audioMs: number;
  /** Wall time (performance.now) the last speech sample was sent. */
  speechEnd: number;
  /** When the first audio message of the turn reached the client. */
  firstAudioAtClient: number;
  summary: TurnSummary;
}

/** A reply whose sentences differ every turn (the TTS skips a sentence repeated within its window). */
export const DEFAULT_REPLY = (text: string, n: number): string =>
  `[happy] Sure thing ${n}, you asked about ${text.split(' ').slice(0, 3).join(' ')} for reply ${n}. I love question ${n}, let me tell you more!`;

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur) ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Index (ms) of the last sample louder than the threshold: where speech really ends in a fixture. */
export function speechEndMs(audio: MonoAudio, threshold = 0.02): number {
  for (let i = audio.samples.length - 1; i >= 0; i--) if (Math.abs(audio.samples[i] as number) > threshold) return ((i + 1) * 1000) / audio.sampleRate;
  return 0;
}

/**
 * A whole show on loopback: the fake OpenAI-compatible LLM, the real daemon with every built-in
 * stage (real Silero VAD, scripted test ASR, agent, espeak-ng TTS, SQLite history), and a
 * websocket client that behaves like the avatar page.
 */
export class Show {
  readonly turnsEnded: TurnSummary[] = [];
  /** The VAD's tentative pauses and utterance ends since the last `forget()`. */
  readonly pauses: Array<{ pauseId: number; at: number }> = [];
  readonly ends: Array<{ pauseId: number | undefined }> = [];

  private constructor(
    readonly td: TestDaemon,
    readonly fake: FakeOpenAiServer,
    readonly client: TestClient,
    readonly asr: ScriptedAsr,
    readonly opts: ShowOptions,
    /** Every reply the fake LLM streamed, in request order. */
    readonly replies: string[],
  ) {
    td.daemon.bus.on('turn.ended', (t) => this.turnsEnded.push(t));
    td.daemon.bus.on('vad.speech_pause', (p) => this.pauses.push({ pauseId: p.pauseId, at: p.at }));
    td.daemon.bus.on('vad.speech_end', (e) => this.ends.push({ pauseId: e.pauseId }));
  }

  static async start(opts: ShowOptions): Promise<Show> {
    const asr = registerScriptedAsr();
    asr.delayMs = opts.asrDelayMs;
    const fake = await startFakeOpenAiServer();
    const reply = opts.reply ?? DEFAULT_REPLY;
    const replies: string[] = [];
    fake.handle((req) => {
      const last = [...req.messages].reverse().find((m) => m.role === 'user');
      const text = reply(typeof last?.content === 'string' ? last.content : '', replies.length + 1);
      replies.push(text);
      const scripted: FakeReply = { text, ttftMs: opts.ttftMs, tokenDelayMs: opts.tokenDelayMs };
      return scripted;
    });
    const base: Record<string, unknown> = {
      character: {
        llm: { providers: [{ type: 'openai', base_url: fake.baseUrl, model: 'fake-e2e', first_token_timeout_ms: 5000 }] },
        voice: { engines: ['espeak'] },
      },
      asr: { engine: SCRIPTED_ASR_ENGINE },
      agent: { greeting: false },
      memory: { enabled: opts.memory ?? false },
      relationships: { enabled: opts.memory ?? false },
      logging: { level: 'info' },
    };
    let td: TestDaemon;
    try {
      td = await startTestDaemon({
        config: deepMerge(base, opts.config ?? {}),
        stages: BUILTIN_STAGES,
        logLevel: opts.logLevel ?? 'info',
        ...(opts.captureLogs === false ? { captureLogs: false } : {}),
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.pluginDirs ? { pluginDirs: opts.pluginDirs } : {}),
      });
    } catch (err) {
      await fake.close();
      throw err;
    }
    const client = await TestClient.connect(td.wsUrl);
    return new Show(td, fake, client, asr, opts, replies);
  }

  /** Streams a fixture WAV (a name in FIXTURES, or an absolute path) at real-time pace (then silence) as the page's microphone would, and waits for the reply turn. */
  async voiceTurn(fixture: string, transcript: string, timeoutMs = 20_000): Promise<VoiceTurnResult> {
    const audio = readWavMono(path.isAbsolute(fixture) ? fixture : path.join(FIXTURES, fixture), 16_000);
    const endMs = speechEndMs(audio);
    const silence = new Float32Array(Math.round(16_000 * 1.2));
    const padded: MonoAudio = { samples: new Float32Array(audio.samples.length + silence.length), sampleRate: 16_000 };
    padded.samples.set(audio.samples);
    this.asr.expect(transcript, endMs);
    const from = this.client.messages.length;
    const replyIndex = this.replies.length;
    const asrIndex = this.asr.calls.length;
    const pauseIndex = this.pauses.length;
    const endIndex = this.ends.length;
    this.client.send({ type: 'audio-start', sampleRate: 16_000 });
    let speechEnd = 0;
    for await (const { chunk, offset } of paceAudio(padded, { realtime: true })) {
      this.client.sendBinary(int16ToPcm16leBytes(float32ToInt16(chunk)));
      const chunkEndMs = ((offset + chunk.length) * 1000) / 16_000;
      if (speechEnd === 0 && chunkEndMs >= endMs) speechEnd = performance.now() - (chunkEndMs - endMs);
    }
    this.client.send({ type: 'audio-end' });
    const start = await this.client.waitFor((m) => m.type === 'turn-start' && m.source === 'voice', timeoutMs, from);
    const r = await this.collect(String(start.turnId), transcript, speechEnd, from, timeoutMs, replyIndex);
    // The decode that produced the whole transcript (tentative decodes at pauses come before it).
    const asrDecode = this.asr.calls.slice(asrIndex).filter((c) => c.text === transcript).at(-1);
    // The pause the utterance's end confirmed (each voice turn is a new stream, so ids restart).
    const confirmed = this.ends.slice(endIndex).at(-1)?.pauseId;
    const pauseAt = confirmed === undefined ? undefined : this.pauses.slice(pauseIndex).find((p) => p.pauseId === confirmed)?.at;
    return { ...r, asrDecode, pauseAt };
  }

  /** Sends typed input and waits for its turn to end. */
  async textTurn(text: string, timeoutMs = 20_000): Promise<{ turnId: string; replyText: string; audioChunks: number; summary: TurnSummary }> {
    const from = this.client.messages.length;
    const replyIndex = this.replies.length;
    this.client.send({ type: 'text-input', text });
    const start = await this.client.waitFor((m) => m.type === 'turn-start' && m.source === 'text', timeoutMs, from);
    const r = await this.collect(String(start.turnId), text, performance.now(), from, timeoutMs, replyIndex);
    return { turnId: r.turnId, replyText: r.replyText, audioChunks: r.audioChunks, summary: r.summary };
  }

  async waitTurnEnd(turnId: string, timeoutMs = 20_000, from = 0): Promise<Received> {
    return this.client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, timeoutMs, from);
  }

  private async collect(turnId: string, transcript: string, speechEnd: number, from: number, timeoutMs: number, replyIndex: number): Promise<VoiceTurnResult> {
    await this.waitTurnEnd(turnId, timeoutMs, from);
    const msgs = this.client.messages.slice(from);
    const times = this.client.receivedAt.slice(from);
    const audioIdx = msgs.findIndex((m) => m.type === 'audio' && m.turnId === turnId);
    const audio = msgs.filter((m) => m.type === 'audio' && m.turnId === turnId);
    const summary = this.turnsEnded.find((t) => t.turnId === turnId);
    if (!summary) throw new Error(`no turn.ended for ${turnId}`);
    const segments = msgs.filter((m) => m.type === 'reply-text' && m.turnId === turnId).map((m) => String(m.text));
    // The request that answered this turn: the last one about its text (requests started early for a
    // pause the voice came back from carry a shorter text and were abandoned).
    let answered = -1;
    for (let i = replyIndex; i < this.fake.requests.length; i++) {
      const last = [...(this.fake.requests[i]?.messages ?? [])].reverse().find((m) => m.role === 'user');
      if (last?.content === transcript) answered = i;
    }
    return {
      turnId,
      transcript,
      llmReply: this.replies[answered] ?? '',
      llmRequest: this.fake.requests[answered],
      asrDecode: undefined,
      pauseAt: undefined,
      replyText: segments.join(' '),
      firstSegment: segments[0] ?? '',
      audioChunks: audio.length,
      audioMs: audio.reduce((sum, m) => sum + Number(m.durationMs), 0),
      speechEnd,
      firstAudioAtClient: audioIdx >= 0 ? (times[audioIdx] as number) : Number.NaN,
      summary,
    };
  }

  /**
   * Drops what the harness itself remembers (client messages, the fake LLM's request log, ended
   * turns), so a long soak measures the daemon's memory, not the test's. Call between turns only.
   */
  forget(): void {
    this.client.messages.length = 0;
    this.client.receivedAt.length = 0;
    this.fake.requests.length = 0;
    this.replies.length = 0;
    this.pauses.length = 0;
    this.ends.length = 0;
    this.asr.calls.length = 0;
    this.turnsEndedCount += this.turnsEnded.length;
    this.turnsEnded.length = 0;
  }

  /** Turns ended since start, including those dropped by `forget()`. */
  get totalTurns(): number {
    return this.turnsEndedCount + this.turnsEnded.length;
  }

  private turnsEndedCount = 0;

  async stop(): Promise<void> {
    await this.client.close().catch(() => undefined);
    await this.td.stop();
    await this.fake.close();
  }
}
