import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTtsStage } from '../../../src/tts/index.ts';
import { ScriptedEngine } from '../../../test/helpers/scripted-tts-engine.ts';
import { speakSegments } from '../../../test/helpers/speak-segments.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';
import { TestClient, type Received } from '../../../test/helpers/ws-client.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { ALLOW, connected, waitForObsStatus } from './obs-harness.ts';

// Fake OBS follows the obs-websocket 5 protocol doc (see test/fakes/fake-obs-server.ts). The client below
// plays each `audio` chunk for its durationMs back to back, as the page's audio player does, and (when
// `report`) sends `playback` {seq} as each chunk ends and `ended` after the turn-end, like playback-tracker.ts.

const RULES = [
  { on: 'reply_segment', action: { type: 'text', source: 'Subtitle' } },
  { on: 'turn_end', action: { type: 'text', source: 'Subtitle', text: '' } },
];

/** Plays a turn's audio at real time; returns when each segment started playing and when all of it ended. */
function realTimePlayer(client: TestClient, turnId: string, report: boolean, slowdownMs = 0): Promise<{ starts: Map<number, number>; end: number }> {
  const starts = new Map<number, number>();
  let playhead = 0;
  let serverDone = false;
  let queued = 0;
  return new Promise((resolve) => {
    const finish = (): void => {
      if (report) client.send({ type: 'playback', turnId, ended: true });
      resolve({ starts, end: performance.now() });
    };
    const onMessage = (m: Received): void => {
      if (m.turnId !== turnId) return;
      if (m.type === 'turn-end') {
        serverDone = true;
        if (queued === 0) finish();
      }
      if (m.type !== 'audio') return;
      const now = performance.now();
      const start = Math.max(now, playhead);
      const duration = Number(m.durationMs) + slowdownMs;
      playhead = start + duration;
      queued++;
      setTimeout(() => {
        if (!starts.has(Number(m.segment))) starts.set(Number(m.segment), performance.now());
      }, start - now);
      setTimeout(() => {
        queued--;
        if (report) client.send({ type: 'playback', turnId, seq: m.seq, ended: false });
        if (serverDone && queued === 0) finish();
      }, playhead - now);
    };
    const seen = client.messages.length;
    client.messages.slice(0, seen).forEach(onMessage);
    void client.waitFor((m) => {
      onMessage(m);
      return false;
    }, 20_000).catch(() => undefined);
  });
}

async function run(report: boolean, slowdownMs: number): Promise<void> {
  const fake = new FakeObsServer();
  await fake.start();
  const engine = new ScriptedEngine('scripted', () => ({ kind: 'speak', firstMs: 5, chunks: 3, chunkMs: 200 }));
  const td = await startTestDaemon({
    stages: [createTtsStage({ engines: () => [engine] })],
    config: {
      tts: { cache_entries: 0, anti_repeat_window_ms: 0 },
      plugins: { enabled: ['obs'], obs: { port: fake.port, request_timeout_ms: 500, allow: ALLOW, triggers: RULES } },
    },
  });
  const client = await TestClient.connect(td.wsUrl);
  try {
    await waitForObsStatus(td, connected);
    const texts = ['Привет всем.', 'Hello everyone.', 'Как дела?', 'Nice to see you!'];
    const { turn, done } = speakSegments(td.daemon, texts.map((text) => ({ text })));
    const played = realTimePlayer(client, turn.id, report, slowdownMs);
    await done;
    const { starts, end } = await played;
    await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text: string }).text === '', 3000);
    const changes = fake.requests.filter((r) => r.requestType === 'SetInputSettings');
    assert.deepEqual(
      changes.map((r) => (r.requestData.inputSettings as { text: string }).text),
      [...texts, ''],
    );
    const lags = texts.map((_, i) => Math.round((changes[i]?.receivedAt ?? 0) - (starts.get(i) ?? 0)));
    const clearLag = Math.round((changes[texts.length]?.receivedAt ?? 0) - end);
    process.stdout.write(`subtitle change minus segment playback start (ms): ${JSON.stringify({ reported: report, lags, clearLag })}\n`);
    for (const lag of [...lags, clearLag]) assert.ok(Math.abs(lag) <= 100, `subtitle lags vs playback: ${JSON.stringify({ lags, clearLag })}`);
  } finally {
    client.ws.close();
    await td.stop();
    await fake.stop();
  }
}

test('subtitles follow a page that reports playback, even when it plays slower than real time', async () => {
  await run(true, 40);
});

test('subtitles follow the estimate from audio durations when no page reports playback', async () => {
  await run(false, 0);
});

test('an interrupted turn clears the subtitle at once', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const engine = new ScriptedEngine('scripted', () => ({ kind: 'speak', firstMs: 5, chunks: 5, chunkMs: 400 }));
  const td = await startTestDaemon({
    stages: [createTtsStage({ engines: () => [engine] })],
    config: { tts: { cache_entries: 0 }, plugins: { enabled: ['obs'], obs: { port: fake.port, request_timeout_ms: 500, allow: ALLOW, triggers: RULES } } },
  });
  try {
    await waitForObsStatus(td, connected);
    const { turn, done } = speakSegments(td.daemon, [{ text: 'One long sentence.' }, { text: 'Another one.' }]);
    await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text: string }).text === 'One long sentence.', 3000);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    td.daemon.bus.emit('turn.interrupt_requested', { reason: 'client' });
    turn.abort('interrupted');
    await done.catch(() => undefined);
    const clear = await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text: string }).text === '', 3000);
    assert.ok(clear.receivedAt - t0 < 300, `cleared ${Math.round(clear.receivedAt - t0)} ms after the interrupt`);
    const texts = fake.requests.filter((r) => r.requestType === 'SetInputSettings').map((r) => (r.requestData.inputSettings as { text: string }).text);
    assert.ok(!texts.includes('Another one.'), 'the unplayed segment never shows');
  } finally {
    await td.stop();
    await fake.stop();
  }
});
