import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isAbortError, isEngineError } from '../../src/core/errors.ts';
import { NEUTRAL_PROSODY, type AudioChunk } from '../../src/tts/engine.ts';
import { EspeakEngine } from '../../src/tts/engines/espeak-engine.ts';
import { descendantsOf, isRunning, waitUntil } from '../helpers/process-tree.ts';

const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
const skip = hasEspeak ? false : 'espeak-ng is not installed (apt-get install -y espeak-ng)';
const LONG_TEXT = 'This sentence is long enough to keep espeak speaking for quite a while. '.repeat(30);

const espeakBelow = (pid: number | undefined): number[] => (pid === undefined ? [] : descendantsOf(pid).filter((p) => p.comm.startsWith('espeak')).map((p) => p.pid));

async function collect(engine: EspeakEngine, text: string, signal = new AbortController().signal): Promise<AudioChunk[]> {
  const out: AudioChunk[] = [];
  for await (const c of engine.synthesize(text, 'en-us', NEUTRAL_PROSODY, signal)) out.push(c);
  return out;
}

test('espeak-ng via the helper: warm spares wait below the helper at lower CPU priority, a segment streams audio, and the spares are refilled', { skip }, async () => {
  const engine = new EspeakEngine();
  try {
    engine.prepare('en-us');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'two warm espeak-ng processes');
    const spares = espeakBelow(engine.helperPid);
    const nice = descendantsOf(process.pid).filter((p) => spares.includes(p.pid) || p.pid === engine.helperPid);
    assert.deepEqual(
      nice.map((p) => p.nice),
      [10, 10, 10],
      'helper and espeak-ng run at nice 10, below the daemon',
    );
    const chunks = await collect(engine, 'Hello there, this is a test of the warm spare.');
    const samples = chunks.reduce((n, c) => n + c.pcm.length, 0);
    assert.ok(chunks.length >= 1 && samples / (chunks[0]?.sampleRate ?? 1) > 1, `over a second of audio (${samples} samples)`);
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'refilled to two');
    assert.equal(espeakBelow(engine.helperPid).filter((pid) => spares.includes(pid)).length, 1, 'one spare was used, one is still waiting');
  } finally {
    await engine.dispose();
  }
});

test('a segment with an emotion\'s prosody speaks from a warm process: prosody goes in its SSML, not in new arguments', { skip }, async () => {
  const engine = new EspeakEngine();
  try {
    engine.prepare('en-us');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'two warm espeak-ng processes');
    const spares = espeakBelow(engine.helperPid);
    const happy = { rate: 1.15, pitch: 1.2, volume: 1.1 };
    const it = engine.synthesize(LONG_TEXT, 'en-us', happy, new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false, 'audio started');
    const speaking = espeakBelow(engine.helperPid);
    assert.deepEqual(speaking.filter((pid) => !spares.includes(pid)), [], `no new espeak-ng for the emotion (before ${spares.join(', ')}, now ${speaking.join(', ')})`);
    for (let r = await it.next(); !r.done; r = await it.next());
  } finally {
    await engine.dispose();
  }
});

test('SSML prosody is heard (faster is shorter, louder is louder) and markup characters in the text are spoken, not parsed', { skip }, async () => {
  const engine = new EspeakEngine();
  const speak = async (text: string, prosody = NEUTRAL_PROSODY): Promise<Int16Array> => {
    const parts: Int16Array[] = [];
    for await (const c of engine.synthesize(text, 'en-us', prosody, new AbortController().signal)) parts.push(c.pcm);
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const rms = (pcm: Int16Array): number => Math.sqrt(pcm.reduce((sum, v) => sum + v * v, 0) / Math.max(1, pcm.length));
  try {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const normal = await speak(text);
    const fast = await speak(text, { ...NEUTRAL_PROSODY, rate: 1.5 });
    const loud = await speak(text, { ...NEUTRAL_PROSODY, volume: 1.8 });
    assert.ok(fast.length < normal.length * 0.85, `rate 1.5: ${fast.length} vs ${normal.length} samples`);
    assert.ok(rms(loud) > rms(normal) * 1.3, `volume 1.8: rms ${rms(loud).toFixed(0)} vs ${rms(normal).toFixed(0)}`);
    const plain = await speak('Fish');
    const marked = await speak('Fish & chips <3 "yes"');
    assert.ok(marked.length > plain.length * 2, `"&", "<" and quotes do not cut the text short (${marked.length} vs ${plain.length} samples)`);
  } finally {
    await engine.dispose();
  }
});

test('no espeak-ng process is started while a segment is being synthesized; its replacement starts once the segment is done', { skip }, async () => {
  const engine = new EspeakEngine();
  try {
    engine.prepare('en-us');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'two warm espeak-ng processes');
    const it = engine.synthesize(LONG_TEXT, 'en-us', NEUTRAL_PROSODY, new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false, 'audio started');
    // A start during synthesis forks in the helper that relays this segment's audio: the speaking
    // process and the one spare left are all there may be until the segment ends.
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      seen.push(espeakBelow(engine.helperPid).length);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(Math.max(...seen) <= 2, `espeak-ng processes while speaking: ${seen.join(', ')}`);
    for (let r = await it.next(); !r.done; r = await it.next());
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'refilled to two once the segment is done');
  } finally {
    await engine.dispose();
  }
});

test('a voice prepared while a segment speaks in another keeps its spares: the segment refills for the latest voice', { skip }, async () => {
  const engine = new EspeakEngine();
  const voiceOf = (pid: number): string | undefined => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[argv.indexOf('-v') + 1];
  };
  try {
    engine.prepare('en-us');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'two warm en-us processes');
    const it = engine.synthesize(LONG_TEXT, 'en-us', NEUTRAL_PROSODY, new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false, 'audio started');
    engine.prepare('ru');
    for (let r = await it.next(); !r.done; r = await it.next());
    const ready = (): boolean => {
      const pids = espeakBelow(engine.helperPid);
      return pids.length === 2 && pids.every((pid) => voiceOf(pid) === 'ru');
    };
    assert.ok(await waitUntil(ready), `spares after the segment: ${espeakBelow(engine.helperPid).map(voiceOf).join(', ')}`);
  } finally {
    await engine.dispose();
  }
});

test('aborting a synthesis kills its espeak-ng process and ends the stream with an abort error', { skip }, async () => {
  const engine = new EspeakEngine();
  try {
    engine.prepare('en-us');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2));
    const before = espeakBelow(engine.helperPid);
    const ac = new AbortController();
    const it = engine.synthesize(LONG_TEXT, 'en-us', NEUTRAL_PROSODY, ac.signal)[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false, 'audio started');
    ac.abort();
    await assert.rejects(
      (async () => {
        for (let r = await it.next(); !r.done; r = await it.next());
      })(),
      (err) => isAbortError(err),
    );
    // The spare that was taken (one of the two started before) is gone; the refill keeps two waiting.
    assert.ok(await waitUntil(() => before.filter(isRunning).length === 1, 2000), 'the speaking process was killed');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'two spares again');
  } finally {
    await engine.dispose();
  }
});

test('a helper crash fails the segment in flight with a clear TTS_FAILED error, then synthesis recovers', { skip }, async () => {
  const engine = new EspeakEngine();
  try {
    engine.prepare('en-us');
    const it = engine.synthesize(LONG_TEXT, 'en-us', NEUTRAL_PROSODY, new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const helper = engine.helperPid as number;
    process.kill(helper, 'SIGKILL');
    await assert.rejects(
      (async () => {
        for (let r = await it.next(); !r.done; r = await it.next());
      })(),
      (err) => isEngineError(err) && err.code === 'TTS_FAILED' && /spawner helper exited/.test(err.message),
    );
    const chunks = await collect(engine, 'We are back on the air.');
    assert.ok(chunks.reduce((n, c) => n + c.pcm.length, 0) > 10_000, 'audio after the restart');
    assert.notEqual(engine.helperPid, helper, 'a new helper runs');
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'spares refilled under the new helper');
  } finally {
    await engine.dispose();
  }
});

test('dispose leaves no espeak-ng or helper process behind', { skip }, async () => {
  const engine = new EspeakEngine();
  engine.prepare('en-us');
  await collect(engine, 'One short line.');
  assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2));
  const pids = [engine.helperPid as number, ...espeakBelow(engine.helperPid)];
  await engine.dispose();
  assert.ok(await waitUntil(() => pids.every((pid) => !isRunning(pid)), 2000), 'all gone');
  assert.equal(espeakBelow(process.pid).length, 0);
});
