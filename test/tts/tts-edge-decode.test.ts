import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isEngineError } from '../../src/core/errors.ts';
import type { AudioChunk } from '../../src/tts/engine.ts';
import { NEUTRAL_PROSODY } from '../../src/tts/engine.ts';
import { EdgeEngine } from '../../src/tts/engines/edge-engine.ts';
import { Mp3StreamDecoder } from '../../src/tts/engines/mp3-stream-decoder.ts';
import { ttsStage } from '../../src/tts/index.ts';
import { startFakeEdgeServer } from '../fakes/fake-edge-tts-server.ts';
import { audioOf, speakSegments } from '../helpers/speak-segments.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

// The MP3 is made here with Debian's sox and lame (both in .ci/run): 1.5 s of a 440 Hz tone at
// 24 kHz mono, CBR 48 kbit/s, the format the Edge engine asks the service for.
const hasTools = spawnSync('lame', ['--version']).status === 0 && spawnSync('sox', ['--version']).status === 0;
const skip = hasTools ? false : 'lame or sox is not installed (apt-get install -y lame sox)';
const SECONDS = 1.5;
const RATE = 24_000;
const TONE_HZ = 440;

let dir: string;
let mp3: Buffer;

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(tmpdir(), 'edge-mp3-'));
  const wav = path.join(dir, 'tone.wav');
  const out = path.join(dir, 'tone.mp3');
  const sox = spawnSync('sox', ['-n', '-r', String(RATE), '-c', '1', '-b', '16', wav, 'synth', String(SECONDS), 'sine', String(TONE_HZ), 'vol', '0.5']);
  assert.equal(sox.status, 0, String(sox.stderr));
  const lame = spawnSync('lame', ['--quiet', '-m', 'm', '--cbr', '-b', '48', wav, out]);
  assert.equal(lame.status, 0, String(lame.stderr));
  mp3 = readFileSync(out);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function joined(chunks: readonly AudioChunk[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.pcm.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c.pcm, off);
    off += c.pcm.length;
  }
  return out;
}

/** Frequency from upward zero crossings over the middle half (away from encoder delay and padding). */
function dominantHz(pcm: Int16Array, rate: number): number {
  const from = Math.floor(pcm.length / 4);
  const to = Math.floor((pcm.length * 3) / 4);
  let ups = 0;
  for (let i = from + 1; i < to; i++) if ((pcm[i - 1] as number) < 0 && (pcm[i] as number) >= 0) ups++;
  return ups / ((to - from) / rate);
}

function assertTone(pcm: Int16Array, rate: number): void {
  assert.equal(rate, RATE);
  // lame adds an encoder delay and pads the last frame (576 samples per MPEG-2 frame): a bit more, never less.
  assert.ok(pcm.length >= SECONDS * RATE && pcm.length <= SECONDS * RATE + 3 * 576, `decoded ${pcm.length} samples for ${SECONDS} s`);
  const hz = dominantHz(pcm, rate);
  assert.ok(Math.abs(hz - TONE_HZ) < 10, `tone at ${hz.toFixed(1)} Hz, expected ${TONE_HZ}`);
  let peak = 0;
  for (const s of pcm) peak = Math.max(peak, Math.abs(s));
  assert.ok(peak > 0.35 * 32768 && peak < 0.65 * 32768, `peak ${peak} for a tone at half scale`);
}

test('the in-process decoder turns real MP3 frames fed in odd-sized pieces into the same PCM as one push', { skip }, async () => {
  const whole = await Mp3StreamDecoder.create();
  const all = whole.push(mp3);
  whole.free();
  assert.ok(all);
  const streaming = await Mp3StreamDecoder.create();
  const chunks: AudioChunk[] = [];
  let emptyPushes = 0;
  for (let off = 0; off < mp3.length; off += 77) {
    const c = streaming.push(mp3.subarray(off, off + 77));
    if (c) chunks.push(c);
    else emptyPushes++;
  }
  streaming.free();
  assert.ok(chunks.length > 20, `audio came out while the stream was arriving (${chunks.length} chunks)`);
  assert.ok(emptyPushes > 0, 'a piece smaller than a frame gives no audio until the frame completes');
  assert.deepEqual(joined(chunks), all.pcm);
  assertTone(all.pcm, all.sampleRate);
  assert.throws(() => streaming.push(mp3), /after free/);
});

test('Edge engine: speaks through a fake of the Edge websocket, decoding MP3 in process with no decoder on PATH', { skip }, async () => {
  const server = await startFakeEdgeServer({ mp3, chunkBytes: 3000 });
  const savedPath = process.env.PATH;
  try {
    // No ffmpeg or mpg123 can be found, and none is needed.
    process.env.PATH = dir;
    const engine = new EdgeEngine('auto', server.url);
    const probe = await engine.probe();
    assert.deepEqual(probe, { ok: true, detail: 'decoder in-process (mpg123 WASM)' });
    const chunks: AudioChunk[] = [];
    for await (const c of engine.synthesize('Hello & welcome <back>', 'en-US-AvaNeural', NEUTRAL_PROSODY, new AbortController().signal)) chunks.push(c);
    assert.ok(chunks.length >= 3, `streamed in several chunks (${chunks.length})`);
    assertTone(joined(chunks), chunks[0]?.sampleRate ?? 0);
    assert.deepEqual(server.formats, ['audio-24khz-48kbitrate-mono-mp3']);
    assert.equal(server.requests.length, 1);
    assert.match(server.requests[0] ?? '', /<voice name="en-US-AvaNeural">/);
    assert.match(server.requests[0] ?? '', /Hello &amp; welcome &lt;back&gt;/);
    // A second segment takes the decoder prepared while the first one played.
    const again: AudioChunk[] = [];
    for await (const c of engine.synthesize('again', 'en-US-AvaNeural', NEUTRAL_PROSODY, new AbortController().signal)) again.push(c);
    assertTone(joined(again), again[0]?.sampleRate ?? 0);
    engine.dispose();
  } finally {
    process.env.PATH = savedPath;
    await server.close();
  }
});

test('Edge engine: a service that hangs up mid-stream is an upstream error, and garbage is a decode error naming it', { skip }, async () => {
  const dropping = await startFakeEdgeServer({ mp3, chunkBytes: 1000, dropAfterFrames: 2 });
  const garbage = await startFakeEdgeServer({ mp3: Buffer.from('<html>not an mp3, a captive portal page</html>'.repeat(40)) });
  try {
    const drain = async (engine: EdgeEngine): Promise<unknown> => {
      await engine.probe();
      try {
        for await (const _ of engine.synthesize('hi', 'en-US-AvaNeural', NEUTRAL_PROSODY, new AbortController().signal)) {
          // drain
        }
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const dropped = await drain(new EdgeEngine('auto', dropping.url));
    assert.ok(isEngineError(dropped), String(dropped));
    assert.equal(dropped.code, 'UPSTREAM_ERROR');
    assert.match(dropped.message, /edge: .*(closed|truncated)/i);
    const bad = await drain(new EdgeEngine('auto', garbage.url));
    assert.ok(isEngineError(bad), String(bad));
    assert.equal(bad.code, 'TTS_FAILED');
    assert.match(bad.message, /no audio decoded from the MP3 stream/);
  } finally {
    await dropping.close();
    await garbage.close();
  }
});

test('Edge engine: aborting mid-stream stops at once with an abort, not an upstream error', { skip }, async () => {
  const server = await startFakeEdgeServer({ mp3, chunkBytes: 500, frameIntervalMs: 20 });
  try {
    const engine = new EdgeEngine('auto', server.url);
    await engine.probe();
    const ac = new AbortController();
    let chunks = 0;
    const t0 = performance.now();
    await assert.rejects(
      (async () => {
        for await (const _ of engine.synthesize('hi', 'en-US-AvaNeural', NEUTRAL_PROSODY, ac.signal)) {
          chunks++;
          if (chunks === 1) ac.abort();
        }
      })(),
      (err: Error) => err.name === 'AbortError' || (isEngineError(err) && err.code === 'ABORTED'),
    );
    assert.equal(chunks, 1);
    assert.ok(performance.now() - t0 < 2000);
  } finally {
    await server.close();
  }
});

test('Edge engine: an external decoder that is not installed is reported by probe, naming the in-process default', async () => {
  const engine = new EdgeEngine('definitely-not-a-decoder --flag', 'ws://127.0.0.1:9/');
  const probe = await engine.probe();
  assert.equal(probe.ok, false);
  assert.match(probe.detail ?? '', /"definitely-not-a-decoder" not found .*auto decodes in process/);
});

test('daemon: the edge voice reaches the page as audio messages through the TTS stage', { skip }, async () => {
  const server = await startFakeEdgeServer({ mp3, chunkBytes: 4096 });
  process.env.VTUBER_EDGE_TTS_URL = server.url;
  const td = await startTestDaemon({ stages: [ttsStage], config: { character: { voice: { engines: ['edge'] } } } });
  const client = await TestClient.connect(td.wsUrl);
  try {
    const { turn, done } = speakSegments(td.daemon, [{ text: 'Hello there.' }]);
    const result = await done;
    await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turn.id);
    assert.equal(result.segmentsSent, 1);
    const audio = audioOf(client.messages, turn.id);
    assert.ok(audio.length >= 2, `several audio chunks (${audio.length})`);
    const ms = audio.reduce((n, a) => n + a.durationMs, 0);
    assert.ok(ms >= SECONDS * 1000 && ms < SECONDS * 1000 + 200, `${Math.round(ms)} ms of audio for a ${SECONDS} s MP3`);
    assert.equal(server.requests.length, 1);
  } finally {
    delete process.env.VTUBER_EDGE_TTS_URL;
    await client.close();
    await td.stop();
    await server.close();
  }
});
