// TTS speed: time to first audio and real-time factor per available engine on 1–2 sentence texts,
// and the task manager's overhead over the raw espeak-ng CLI (time to its first PCM byte).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { ROOT_DIR } from '../src/config/env.ts';
import { EventBus } from '../src/core/bus.ts';
import { STREAMER } from '../src/core/input.ts';
import type { ReplySegment } from '../src/core/speech.ts';
import { StatusRegistry } from '../src/core/status-registry.ts';
import { Turn } from '../src/core/turn.ts';
import { ClientHub } from '../src/server/ws/client-hub.ts';
import { TurnOutput } from '../src/server/ws/turn-output.ts';
import { EngineChain } from '../src/tts/engine-chain.ts';
import { type AudioChunk, NEUTRAL_PROSODY, type TtsEngine } from '../src/tts/engine.ts';
import { EdgeEngine } from '../src/tts/engines/edge-engine.ts';
import { EspeakEngine, espeakSsml } from '../src/tts/engines/espeak-engine.ts';
import { SherpaEngine } from '../src/tts/engines/sherpa-engine.ts';
import { HubSpeechOutput } from '../src/tts/speech-output.ts';
import { TtsTaskManager } from '../src/tts/tts-task-manager.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const TEXTS = [
  'Hi everyone, welcome back!',
  'Thanks for the raid, that was a lovely surprise. Let us keep the good mood going.',
  'I think the answer is forty two, but I should double check it.',
];
const log = pino({ level: 'silent' });

const stats = (xs: number[]): { p50: number; p95: number } => ({ p50: round(median(xs)), p95: round(percentile(xs, 95)) });
const round = (x: number): number => Math.round(x * 100) / 100;

function chainOf(engine: TtsEngine, voice: string): EngineChain {
  return new EngineChain([{ engine, voice }], { firstAudioTimeoutMs: 10_000, stallTimeoutMs: 10_000, failuresBeforeCooldown: 1000, cooldownMs: 0, cacheEntries: 0, cacheMaxSeconds: 0 }, log);
}

/** One synthesis straight through the engine: ms to first chunk, total ms, audio ms. */
async function direct(engine: TtsEngine, voice: string, text: string): Promise<{ first: number; total: number; audio: number }> {
  const t0 = performance.now();
  let first = -1;
  let samples = 0;
  let rate = 1;
  for await (const c of engine.synthesize(text, voice, NEUTRAL_PROSODY, new AbortController().signal)) {
    if (first < 0) first = performance.now() - t0;
    samples += c.pcm.length;
    rate = c.sampleRate;
  }
  return { first, total: performance.now() - t0, audio: (samples / rate) * 1000 };
}

/**
 * Raw espeak-ng CLI, same arguments and SSML input as the engine: ms from writing the text until the first PCM
 * byte after the 44-byte header. `warmMs` > 0 starts the process that long before the text is
 * written (what the engine's warm processes do), so only the synthesis itself is timed.
 */
function rawEspeak(text: string, warmMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', ['--stdout', '-m', '-v', 'en-us'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let t0 = performance.now();
    let bytes = 0;
    let at = -1;
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (at < 0 && bytes > 44) at = performance.now() - t0;
    });
    child.on('error', reject);
    child.on('close', () => resolve(at));
    setTimeout(() => {
      t0 = warmMs > 0 ? performance.now() : t0;
      child.stdin.end(espeakSsml(text, NEUTRAL_PROSODY));
    }, warmMs);
  });
}

/** Wraps an engine to note when its first chunk comes out, so the layers after it can be timed alone. */
class FirstChunkClock implements TtsEngine {
  readonly name: string;
  firstAt = Number.NaN;
  constructor(private readonly inner: TtsEngine) {
    this.name = inner.name;
  }
  probe(): ReturnType<TtsEngine['probe']> {
    return this.inner.probe();
  }
  defaultVoice(language: string): string {
    return this.inner.defaultVoice(language);
  }
  async *synthesize(...args: Parameters<TtsEngine['synthesize']>): AsyncIterable<AudioChunk> {
    this.firstAt = Number.NaN;
    for await (const c of this.inner.synthesize(...args)) {
      if (Number.isNaN(this.firstAt)) this.firstAt = performance.now();
      yield c;
    }
  }
}

/** Through the task manager and the speech output (envelope, base64, hub): ms to the first chunk handed to the hub. */
async function managed(output: HubSpeechOutput, text: string): Promise<{ first: number; sentAt: number }> {
  const turn = new Turn({ id: 'bench', kind: 'text', text: 'bench', user: STREAMER, receivedAt: performance.now() });
  async function* one(): AsyncIterable<ReplySegment> {
    yield { index: 0, text };
  }
  const t0 = performance.now();
  await output.speak(turn, one());
  const sentAt = turn.marks.get('first_audio_sent') ?? Number.NaN;
  return { first: sentAt - t0, sentAt };
}

export async function main(args: string[]): Promise<void> {
  const repeats = Number(args[0] ?? 15);
  const modelsDir = path.resolve(process.env.VTUBER_MODELS_DIR ?? path.join(ROOT_DIR, 'models'));
  const notes: string[] = ['The machine is shared (2 cores, other builds running): figures are upper bounds; medians and p95 over all runs.'];
  const rows: BenchRow[] = [];
  const candidates: Array<{ engine: TtsEngine; voice: string }> = [
    { engine: new EspeakEngine(), voice: 'en-us' },
    { engine: new SherpaEngine({ modelsDir, model: '', language: 'en', numThreads: 1 }), voice: '0' },
    { engine: new EdgeEngine('auto'), voice: 'en-US-AvaNeural' },
  ];
  for (const { engine, voice } of candidates) {
    const probe = await engine.probe();
    if (!probe.ok) {
      notes.push(`${engine.name}: not measured (${probe.detail ?? 'unavailable'})`);
      continue;
    }
    engine.prepare?.(voice);
    try {
      await direct(engine, voice, 'Warm up.');
    } catch (err) {
      notes.push(`${engine.name}: not measured (${(err as Error).message.slice(0, 160)})`);
      continue;
    }
    const firsts: number[] = [];
    const rtfs: number[] = [];
    const n = engine.name === 'espeak' ? repeats : Math.max(3, Math.round(repeats / 3));
    for (let i = 0; i < n; i++) {
      for (const text of TEXTS) {
        const r = await direct(engine, voice, text);
        firsts.push(r.first);
        rtfs.push(r.total / r.audio);
      }
    }
    await engine.dispose?.();
    const f = stats(firsts);
    const r = stats(rtfs);
    rows.push({ engine: engine.name, path: 'engine', runs: firsts.length, first_audio_p50_ms: f.p50, first_audio_p95_ms: f.p95, rtf_p50: r.p50, rtf_p95: r.p95 });
  }

  // Overhead of our layers over the raw CLI, interleaved run by run so machine load hits both alike.
  const goals: NonNullable<Parameters<typeof writeResult>[0]['goals']> = [];
  const rawEngine = new EspeakEngine();
  const espeak = new FirstChunkClock(rawEngine);
  if ((await espeak.probe()).ok) {
    rawEngine.prepare('en-us');
    const chain = chainOf(espeak, 'en-us');
    const manager = new TtsTaskManager(chain, { concurrency: 2, antiRepeatWindowMs: 0, baseProsody: NEUTRAL_PROSODY, emotionProsody: {} }, log);
    const bus = new EventBus(log);
    const hub = new ClientHub(bus, new StatusRegistry(bus), log);
    const output = new HubSpeechOutput(manager, new TurnOutput(hub, bus, log), log, 200);
    const cold: number[] = [];
    const warm: number[] = [];
    const viaManager: number[] = [];
    const diffs: number[] = [];
    const layers: number[] = [];
    for (let i = 0; i < repeats; i++) {
      for (const text of TEXTS) {
        cold.push(await rawEspeak(text, 0));
        // The 100 ms this takes also lets the engine's replacement warm process get ready.
        const w = await rawEspeak(text, 100);
        const b = await managed(output, text);
        warm.push(w);
        viaManager.push(b.first);
        diffs.push(b.first - w);
        layers.push(b.sentAt - espeak.firstAt);
      }
    }
    await hub.dispose();
    rawEngine.dispose();
    const cs = stats(cold);
    const ws = stats(warm);
    const ms = stats(viaManager);
    const ds = stats(diffs);
    const ls = stats(layers);
    rows.push({ engine: 'espeak', path: 'raw CLI, cold start (first PCM byte)', runs: cold.length, first_audio_p50_ms: cs.p50, first_audio_p95_ms: cs.p95, rtf_p50: null, rtf_p95: null });
    rows.push({ engine: 'espeak', path: 'raw CLI, process already started (first PCM byte)', runs: warm.length, first_audio_p50_ms: ws.p50, first_audio_p95_ms: ws.p95, rtf_p50: null, rtf_p95: null });
    rows.push({ engine: 'espeak', path: 'manager + speech output (first chunk sent)', runs: viaManager.length, first_audio_p50_ms: ms.p50, first_audio_p95_ms: ms.p95, rtf_p50: null, rtf_p95: null });
    rows.push({ engine: 'espeak', path: 'overhead: first chunk sent − raw started CLI (paired)', runs: diffs.length, first_audio_p50_ms: ds.p50, first_audio_p95_ms: ds.p95, rtf_p50: null, rtf_p95: null });
    rows.push({ engine: 'espeak', path: 'overhead: engine first chunk → first chunk sent (in process)', runs: layers.length, first_audio_p50_ms: ls.p50, first_audio_p95_ms: ls.p95, rtf_p50: null, rtf_p95: null });
    goals.push({ metric: 'espeak-ng first chunk sent, p50', goal: '≤ 50 ms', value: ms.p50, met: ms.p50 <= 50 });
    goals.push({ metric: 'overhead after the engine (chain, manager, chunking, envelope, encode, send), p50', goal: '≤ 3 ms', value: ls.p50, met: ls.p50 <= 3 });
    goals.push({ metric: 'overhead over raw espeak-ng synthesis (paired), p50', goal: '≤ 3 ms', value: ds.p50, met: ds.p50 <= 3 });
  }
  writeResult({
    name: 'tts',
    description: `Time to first audio and real-time factor (synthesis time / audio length) per available engine on ${TEXTS.length} texts of 1–2 sentences; then raw espeak-ng CLI time to its first PCM byte (cold, and with the process started beforehand) against the same text through the TTS task manager and speech output (warm process, prosody, chain, ordering, 20 ms rechunking, envelope, base64, hub broadcast), run pairwise.`,
    rows,
    goals,
    notes,
  });
}
