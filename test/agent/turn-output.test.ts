import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { createTtsStage } from '../../src/tts/index.ts';
import { ScriptedEngine } from '../helpers/scripted-tts-engine.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient, type Received } from '../helpers/ws-client.ts';
import { ScriptedProvider } from './scripted-provider.ts';

// The reply: segments carry emotions and motions, so the order of all four kinds shows. Each reply
// differs (the TTS skips a sentence repeated within its window).
let replies = 0;
const reply = (): string[] => {
  const n = ++replies;
  return [`[emotion: joy] [motion: wave] Hello there ${n}, `, `nice to see you all today, reply ${n}. `, '[emotion: sad] [motion: nod] ', `I missed you a lot, ${n} times. `, `[emotion: happy] [motion: bow] See you soon, friend ${n}!`];
};

const CANONICAL = ['reply-text', 'emotion', 'motion', 'audio'];

/** Per segment of `turnId`: the kinds of its messages in the order they reached the client (audio once). */
function segmentOrder(messages: readonly Received[], turnId: string): Map<number, string[]> {
  const bySegment = new Map<number, string[]>();
  let current = -1;
  for (const m of messages) {
    if (m.turnId !== turnId) continue;
    if (m.type === 'reply-text') current = m.segment as number;
    const segment = m.type === 'audio' ? (m.segment as number) : current;
    if (!['reply-text', 'emotion', 'motion', 'audio'].includes(m.type)) continue;
    const seen = bySegment.get(segment) ?? [];
    if (m.type !== 'audio' || !seen.includes('audio')) seen.push(m.type);
    bySegment.set(segment, seen);
  }
  return bySegment;
}

async function replyTurn(client: TestClient, text: string): Promise<{ turnId: string; from: number }> {
  const from = client.messages.length;
  client.send({ type: 'text-input', text });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  return { turnId: start.turnId as string, from };
}

describe('spoken replies (TTS path)', () => {
  let d: TestDaemon;
  let client: TestClient;
  const llm = new ScriptedProvider();
  // Long enough chunks that an interrupt lands while audio is still being sent.
  const engine = new ScriptedEngine('scripted', () => ({ kind: 'speak', firstMs: 5, chunks: 12, chunkMs: 50, gapMs: 10 }));

  before(async () => {
    d = await startTestDaemon({
      config: { character: { greeting: '' }, agent: { interruption: { min_speech_ms: 0 } }, tts: { chunk_ms: 100 } },
      stages: [createAgentStage({ llm: () => ({ provider: llm }) }), createTtsStage({ engines: () => [engine] })],
      logLevel: 'info',
    });
    client = await TestClient.connect(d.wsUrl);
  });
  after(async () => {
    await client.close();
    await d.stop();
  });

  test('each segment goes out as reply-text, emotion, motion, then its audio', async () => {
    llm.script({ chunks: reply() });
    const { turnId, from } = await replyTurn(client, 'hello');
    await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 10_000, from);
    const order = segmentOrder(client.messages.slice(from), turnId);
    assert.ok(order.size >= 2, `several segments (${order.size})`);
    for (const [segment, kinds] of order) assert.deepEqual(kinds, CANONICAL.filter((k) => kinds.includes(k)), `segment ${segment}`);
    assert.ok([...order.values()].filter((k) => k.length === 4).length >= 2, 'segments with text, emotion, motion and audio');
  });

  test('an interruption sends exactly one audio-stop, with its reason, and nothing of the turn after it', async () => {
    llm.script({ chunks: reply() });
    const { turnId, from } = await replyTurn(client, 'talk to me');
    await client.waitFor((m) => m.type === 'audio' && m.turnId === turnId, 5000, from);
    d.daemon.bus.emit('vad.speech_start', { clientUid: 'mic', at: performance.now(), startMs: 0 });
    await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 5000, from);
    await new Promise((r) => setTimeout(r, 200));
    const mine = client.messages.slice(from).filter((m) => m.turnId === turnId);
    const stops = mine.filter((m) => m.type === 'audio-stop');
    assert.equal(stops.length, 1, `audio-stop messages: ${stops.length}`);
    assert.equal(stops[0]?.reason, 'barge_in');
    const after = mine.slice(mine.indexOf(stops[0] as Received) + 1);
    assert.deepEqual(after.filter((m) => ['audio', 'reply-text', 'emotion', 'motion'].includes(m.type)), [], 'no output of the turn after audio-stop');
  });

  test('a client interrupt also sends one audio-stop', async () => {
    llm.script({ chunks: reply() });
    const { turnId, from } = await replyTurn(client, 'again');
    await client.waitFor((m) => m.type === 'audio' && m.turnId === turnId, 5000, from);
    client.send({ type: 'interrupt' });
    await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 5000, from);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(client.messages.slice(from).filter((m) => m.type === 'audio-stop' && m.turnId === turnId).length, 1);
  });
});

describe('text-only replies (no speech stage)', () => {
  let d: TestDaemon;
  let client: TestClient;
  const llm = new ScriptedProvider();

  before(async () => {
    d = await startTestDaemon({
      config: { character: { greeting: '' }, agent: { interruption: { min_speech_ms: 0 } } },
      stages: [createAgentStage({ llm: () => ({ provider: llm }) })],
      logLevel: 'info',
    });
    client = await TestClient.connect(d.wsUrl);
  });
  after(async () => {
    await client.close();
    await d.stop();
  });

  test('each segment goes out as reply-text, emotion, motion, and reply.segment follows on the bus', async () => {
    llm.script({ chunks: reply() });
    const segments: number[] = [];
    const off = d.daemon.bus.on('reply.segment', (s) => segments.push(s.index));
    const { turnId, from } = await replyTurn(client, 'hello');
    await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 10_000, from);
    off();
    const order = segmentOrder(client.messages.slice(from), turnId);
    assert.ok(order.size >= 2, `several segments (${order.size})`);
    for (const [segment, kinds] of order) assert.deepEqual(kinds, CANONICAL.filter((k) => kinds.includes(k)), `segment ${segment}`);
    assert.ok([...order.values()].filter((k) => k.length === 3).length >= 2, 'segments with text, emotion and motion');
    assert.deepEqual(segments, [...order.keys()], 'one reply.segment per segment, in order');
  });

  test('an interruption sends exactly one audio-stop', async () => {
    llm.script({ chunks: ['One, ', 'two, ', 'three, ', 'four, ', 'five.'], tokenDelayMs: 150 });
    const { turnId, from } = await replyTurn(client, 'count');
    await client.waitFor((m) => m.type === 'reply-text' && m.turnId === turnId, 5000, from);
    client.send({ type: 'interrupt' });
    await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 5000, from);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.messages.slice(from).filter((m) => m.type === 'audio-stop' && m.turnId === turnId).length, 1);
  });
});
