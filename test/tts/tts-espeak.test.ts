import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { decodeWav } from '../../src/audio/wav.ts';
import { ttsStage } from '../../src/tts/index.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { audioOf, speakSegments } from '../helpers/speak-segments.ts';

const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
const skip = hasEspeak ? false : 'espeak-ng is not installed (apt-get install -y espeak-ng)';
const ADMIN = 'test-admin-token';

let td: TestDaemon;
let client: TestClient;

before(async () => {
  if (skip) return;
  td = await startTestDaemon({ stages: [ttsStage], env: { VTUBER_ADMIN_TOKEN: ADMIN }, config: { character: { voice: { engines: ['espeak'] } } } });
  client = await TestClient.connect(td.wsUrl);
});

after(async () => {
  await client?.close();
  await td?.stop();
});

test('espeak-ng speaks a turn: segments in order, plausible durations, non-flat envelope, text right before audio', { skip }, async () => {
  const texts = ['Hello everyone, welcome back to the stream.', 'Today we are going to build something fun.', 'Let us get started right away!'];
  const segmentEvents: number[] = [];
  const off = td.daemon.bus.on('reply.segment', (e) => segmentEvents.push(e.index));
  const { turn, done } = speakSegments(td.daemon, [{ text: texts[0] as string, emotion: { name: 'happy' }, motions: ['wave'] }, { text: texts[1] as string }, { text: texts[2] as string }]);
  const result = await done;
  off();
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turn.id);

  assert.equal(result.segmentsSent, 3);
  assert.deepEqual(segmentEvents, [0, 1, 2]);
  const audio = audioOf(client.messages, turn.id);
  assert.deepEqual(
    audio.map((a) => a.seq),
    audio.map((_, i) => i),
    'seq counts up from 0 without gaps',
  );
  const segmentsInOrder = audio.map((a) => a.segment);
  assert.deepEqual(segmentsInOrder, [...segmentsInOrder].sort((a, b) => a - b), 'segments arrive in order');
  for (let s = 0; s < 3; s++) {
    const chunks = audio.filter((a) => a.segment === s);
    assert.ok(chunks.length >= 2, `segment ${s} streams in several chunks (got ${chunks.length})`);
    const ms = chunks.reduce((n, c) => n + c.durationMs, 0);
    const words = (texts[s] as string).split(/\s+/).length;
    // espeak-ng at 175 wpm: ~340 ms per word; allow a wide band.
    assert.ok(ms > words * 150 && ms < words * 900, `segment ${s}: ${Math.round(ms)} ms for ${words} words`);
    for (const c of chunks) {
      assert.equal(c.envelope.length, Math.ceil(c.durationMs / 20 - 1e-9), 'one envelope value per 20 ms');
      assert.equal(c.pcm.length, Math.round((c.durationMs * c.sampleRate) / 1000));
    }
    const env = chunks.flatMap((c) => c.envelope);
    assert.ok(Math.max(...env) > 0.6 && Math.min(...env) < 0.2, `segment ${s} envelope moves (min ${Math.min(...env)}, max ${Math.max(...env)})`);
  }
  assert.ok(Math.abs(result.audioMs - audio.reduce((n, a) => n + a.durationMs, 0)) < 1);

  // reply-text / emotion / motion of a segment come right before its first audio chunk.
  const msgs = client.messages.filter((m) => m.turnId === turn.id && ['reply-text', 'emotion', 'motion', 'audio'].includes(m.type));
  for (let s = 0; s < 3; s++) {
    const firstAudio = msgs.findIndex((m) => m.type === 'audio' && m.segment === s);
    const text = msgs.findIndex((m) => m.type === 'reply-text' && m.segment === s);
    assert.ok(text >= 0 && text < firstAudio, `reply-text ${s} precedes its audio`);
    assert.ok(msgs.slice(text + 1, firstAudio).every((m) => m.type !== 'audio'), `no audio between reply-text ${s} and its first chunk`);
  }
  const emotion = msgs.findIndex((m) => m.type === 'emotion');
  assert.equal(msgs[emotion]?.name, 'happy');
  assert.ok(emotion < msgs.findIndex((m) => m.type === 'audio'));
  assert.ok(msgs.some((m) => m.type === 'motion' && m.name === 'wave'));
  assert.ok(turn.marks.has('tts_first_audio') && turn.marks.has('first_audio_sent'));
  assert.ok((turn.marks.get('first_audio_sent') as number) >= (turn.marks.get('tts_first_audio') as number));
});

test('/admin/status shows espeak as the live engine and /api/tts returns a WAV preview', { skip }, async () => {
  const status = (await (await fetch(`${td.url}/admin/status`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { stages: Record<string, { state: string; info?: { engine?: string } }> };
  assert.equal(status.stages.tts?.state, 'live');
  assert.equal(status.stages.tts?.info?.engine, 'espeak');

  const res = await fetch(`${td.url}/api/tts`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'This is a preview of my voice.', engine: 'espeak', voice: 'en-gb' }) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/wav');
  assert.equal(res.headers.get('x-tts-engine'), 'espeak');
  const wav = decodeWav(new Uint8Array(await res.arrayBuffer()));
  assert.equal(wav.channels, 1);
  assert.ok(wav.durationMs > 800 && wav.durationMs < 6000, `preview lasts ${wav.durationMs} ms`);

  const unauth = await fetch(`${td.url}/api/tts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) });
  assert.equal(unauth.status, 401);
  const bad = await fetch(`${td.url}/api/tts`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', engine: 'nope' }) });
  assert.equal(bad.status, 404);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
});

test('a sentence repeated within the anti-repeat window is skipped but still counted as delivered', { skip }, async () => {
  const { turn, done } = speakSegments(td.daemon, [{ text: 'Nice to see you all here.' }, { text: 'nice to see you all here!' }, { text: 'See you later.' }]);
  const result = await done;
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turn.id);
  assert.equal(result.segmentsSent, 3, 'the agent reads segmentsSent as "the first N segments got out"');
  assert.deepEqual([...new Set(audioOf(client.messages, turn.id).map((a) => a.segment))], [0, 2]);
  const texts = client.messages.filter((m) => m.type === 'reply-text' && m.turnId === turn.id).map((m) => m.segment);
  assert.deepEqual(texts, [0, 2]);
});
