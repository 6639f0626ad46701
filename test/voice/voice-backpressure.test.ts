// The voice path under pressure, over a real websocket with the real Silero VAD: a slow bus
// subscriber must not hold the VAD back, and a client flooding audio gets its oldest audio dropped
// (counted in /admin/status) while the daemon keeps answering.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { writeTestStreamingCtcModel } from '../../scripts/make-test-models.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';
import { paceAudio } from '../../src/audio/wav-source.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { voiceStage } from '../../src/voice/voice-stage.ts';
import { concat, silence, speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a subscriber doing slow synchronous work
  }
}

test('a slow bus subscriber (100 ms busy loop) does not delay the VAD events of a streaming client', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-slow-sub-'));
  const model = writeTestStreamingCtcModel(dir);
  const hangover = 300;
  const td = await startTestDaemon({ stages: [vadStage, asrStage, voiceStage], config: { vad: { min_silence_ms: hangover }, asr: { engine: 'nemo-ctc-streaming', model: model.dir } } });
  const client = await TestClient.connect(td.wsUrl);
  try {
    const { bus } = td.daemon;
    let slowCalls = 0;
    const slow = (): void => {
      slowCalls++;
      busy(100);
    };
    bus.on('asr.partial', slow);
    bus.on('vad.speech_start', slow);
    const events: Array<{ kind: string; streamMs: number; at: number }> = [];
    bus.on('vad.speech_start', (e) => events.push({ kind: 'start', streamMs: e.startMs, at: e.at }));
    bus.on('vad.speech_end', (e) => events.push({ kind: 'end', streamMs: e.endMs, at: e.at }));
    const audio = concat(16000, silence(300), speech('two-turns').samples, silence(900));
    client.send({ type: 'audio-start', sampleRate: 16000 });
    await client.waitFor((m) => m.type === 'ack' && m.ref === 'audio-start');
    // The feeder's own lateness (timers fire late on a loaded machine, or behind the busy loop) is
    // measured per chunk, so only the engine's delay is judged.
    const sentAt: number[] = [];
    const t0 = performance.now();
    for await (const { chunk, offset } of paceAudio(audio, { realtime: true, chunkSamples: 320, t0 })) {
      client.sendBinary(int16ToPcm16leBytes(float32ToInt16(chunk)));
      sentAt[Math.floor((offset + chunk.length) / 320)] = performance.now();
    }
    client.send({ type: 'audio-end' });
    await client.waitFor((m) => m.type === 'transcript' && m.final === true, 10_000);
    const sentBy = (streamMs: number): number => {
      const i = Math.ceil((streamMs * 16) / 320);
      return sentAt[Math.min(i, sentAt.length - 1)] ?? t0 + streamMs;
    };
    assert.ok(slowCalls >= 3, `the slow subscriber ran (${slowCalls} calls)`);
    assert.deepEqual(events.map((e) => e.kind), ['start', 'end', 'start', 'end']);
    for (const e of events) {
      // The audio that decides the event: min_speech_ms (+2 windows) after onset, the hangover after the end.
      const decidedBy = e.kind === 'start' ? e.streamMs + 250 + 64 : e.streamMs + hangover;
      const lag = e.at - sentBy(decidedBy);
      // One busy loop (100 ms), two windows (64 ms) and scheduling slack on a shared machine. A VAD
      // that waited for the subscriber on every call would fall further behind with each partial.
      assert.ok(lag <= 300, `${e.kind} at ${e.streamMs} ms came ${lag.toFixed(0)} ms after the audio that decides it was sent (limit 300)`);
    }
  } finally {
    await client.close();
    await td.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client sending audio far faster than real time loses its oldest audio, counted in /admin/status, and /healthz keeps answering', async (t) => {
  const token = 'voice-admin';
  const td = await startTestDaemon({ stages: [vadStage, voiceStage], config: { vad: { ring_ms: 1000 } }, env: { VTUBER_ADMIN_TOKEN: token } });
  const client = await TestClient.connect(td.wsUrl);
  // 120 s of speech and silence in 1 s frames, prepared before the clock starts (the test's own work).
  const turn = concat(16000, speech('two-turns').samples, silence(2000)).samples;
  const audio = new Float32Array(16000 * 120);
  for (let at = 0; at < audio.length; at += turn.length) audio.set(turn.subarray(0, Math.min(turn.length, audio.length - at)), at);
  const frames: Buffer[] = [];
  for (let i = 0; i < audio.length; i += 16000) frames.push(int16ToPcm16leBytes(float32ToInt16(audio.subarray(i, i + 16000))));
  const ask = async (): Promise<number> => {
    const t = performance.now();
    await (await fetch(`${td.url}/healthz`)).text();
    return performance.now() - t;
  };
  await ask();
  // The same daemon idle, just before: on a shared machine, the flood is judged against this.
  const idle: number[] = [];
  for (const until = performance.now() + 1000; performance.now() < until; ) idle.push(await ask());
  const healthz: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) healthz.push(await ask());
  })();
  try {
    client.send({ type: 'audio-start', sampleRate: 16000 });
    await client.waitFor((m) => m.type === 'ack' && m.ref === 'audio-start');
    // One second of audio per event-loop turn: about 100 times faster than real time.
    for (const frame of frames) {
      client.sendBinary(frame);
      await new Promise((r) => setImmediate(r));
    }
    client.send({ type: 'audio-end' });
    await client.waitFor((m) => m.type === 'ack' && m.ref === 'audio-end', 10_000);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && td.daemon.status.get('stage', 'voice')?.info?.active_streams !== 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    polling = false;
    await poller;

    const res = await fetch(`${td.url}/admin/status`, { headers: { authorization: `Bearer ${token}` } });
    const status = (await res.json()) as { stages: Record<string, { state: string; info?: Partial<Record<string, number>> }> };
    const info = status.stages.voice?.info;
    assert.equal(status.stages.voice?.state, 'live');
    assert.ok(info && (info.dropped_ms ?? 0) > 0 && (info.overflows ?? 0) > 0, `drops are reported: ${JSON.stringify(info)}`);
    assert.ok((info.dropped_ms ?? 0) <= 120_000, 'no more dropped than was sent');
    assert.equal(info.active_streams, 0, 'the stream drained and closed');
    client.send({ type: 'ping', t: 1 });
    await client.waitFor((m) => m.type === 'pong', 2000);
    const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Infinity;
    const why = `/healthz during the flood over ${healthz.length} requests: p50 ${pct(healthz, 0.5).toFixed(1)} ms, p99 ${pct(healthz, 0.99).toFixed(1)} ms; idle: p50 ${pct(idle, 0.5).toFixed(1)} ms, p99 ${pct(idle, 0.99).toFixed(1)} ms`;
    t.diagnostic(why);
    assert.ok(healthz.length >= 50, why);
    // The figure is p99 < 50 ms on a quiet machine. Here other jobs share the cores, so the
    // flood is held against the same daemon idle: the loop may not be taken over by the audio.
    assert.ok(pct(healthz, 0.99) < 50 || pct(healthz, 0.5) <= 2 * pct(idle, 0.5) + 10, why);
  } finally {
    polling = false;
    await poller;
    await client.close();
    await td.stop();
  }
});
