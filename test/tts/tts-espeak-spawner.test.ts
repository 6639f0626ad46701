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
    engine.prepare('en-us', NEUTRAL_PROSODY);
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

test('no espeak-ng process is started while a segment is being synthesized; its replacement starts once the segment is done', { skip }, async () => {
  const engine = new EspeakEngine();
  try {
    engine.prepare('en-us', NEUTRAL_PROSODY);
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
    engine.prepare('en-us', NEUTRAL_PROSODY);
    assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2), 'two warm en-us processes');
    const it = engine.synthesize(LONG_TEXT, 'en-us', NEUTRAL_PROSODY, new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false, 'audio started');
    engine.prepare('ru', NEUTRAL_PROSODY);
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
    engine.prepare('en-us', NEUTRAL_PROSODY);
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
    engine.prepare('en-us', NEUTRAL_PROSODY);
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
  engine.prepare('en-us', NEUTRAL_PROSODY);
  await collect(engine, 'One short line.');
  assert.ok(await waitUntil(() => espeakBelow(engine.helperPid).length === 2));
  const pids = [engine.helperPid as number, ...espeakBelow(engine.helperPid)];
  await engine.dispose();
  assert.ok(await waitUntil(() => pids.every((pid) => !isRunning(pid)), 2000), 'all gone');
  assert.equal(espeakBelow(process.pid).length, 0);
});
