import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { EngineChain } from '../../src/tts/engine-chain.ts';
import { NEUTRAL_PROSODY } from '../../src/tts/engine.ts';
import { ScriptedEngine } from '../helpers/scripted-tts-engine.ts';

const log = pino({ level: 'silent' });

async function speak(chain: EngineChain, text: string): Promise<string[]> {
  const engines: string[] = [];
  for await (const c of chain.synthesize(text, NEUTRAL_PROSODY, new AbortController().signal)) engines.push(c.engine);
  return [...new Set(engines)];
}

test('an engine that keeps failing is skipped for a cooldown, then retried; the cooldown doubles while it keeps failing', async () => {
  let now = 1_000_000;
  let flakyWorks = false;
  const flaky = new ScriptedEngine('flaky', () => (flakyWorks ? { kind: 'speak', chunks: 1 } : { kind: 'throw' }));
  const backup = new ScriptedEngine('backup', () => ({ kind: 'speak', chunks: 1 }));
  const chain = new EngineChain(
    [
      { engine: flaky, voice: 'a' },
      { engine: backup, voice: 'b' },
    ],
    { firstAudioTimeoutMs: 200, stallTimeoutMs: 200, failuresBeforeCooldown: 2, cooldownMs: 10_000, cacheEntries: 0, cacheMaxSeconds: 10, now: () => now },
    log,
  );
  assert.deepEqual(await speak(chain, 'one'), ['backup']);
  assert.deepEqual(await speak(chain, 'two'), ['backup']);
  assert.equal(flaky.calls.length, 2);
  assert.equal(chain.snapshot().flaky?.state, 'cooldown');
  await speak(chain, 'three');
  assert.equal(flaky.calls.length, 2, 'skipped while cooling down');
  now += 10_001;
  await speak(chain, 'four');
  assert.equal(flaky.calls.length, 3, 'retried after the cooldown');
  assert.equal(chain.snapshot().flaky?.state, 'cooldown', 'one more failure after a cooldown cools it down again');
  assert.ok((chain.snapshot().flaky?.cooldownUntil ?? 0) - now >= 20_000, 'second cooldown is twice as long');
  now += 20_001;
  flakyWorks = true;
  assert.deepEqual(await speak(chain, 'five'), ['flaky']);
  assert.equal(chain.live, 'flaky');
  assert.equal(chain.snapshot().flaky?.failures, 0);
});

test('every engine failing throws TTS_FAILED naming each engine', async () => {
  const a = new ScriptedEngine('a', () => ({ kind: 'throw', message: 'boom-a' }));
  const b = new ScriptedEngine('b', () => ({ kind: 'hang' }));
  const chain = new EngineChain(
    [
      { engine: a, voice: '' },
      { engine: b, voice: '' },
    ],
    { firstAudioTimeoutMs: 50, stallTimeoutMs: 50, failuresBeforeCooldown: 5, cooldownMs: 1000, cacheEntries: 0, cacheMaxSeconds: 10 },
    log,
  );
  await assert.rejects(speak(chain, 'x'), (err: Error & { code?: string }) => err.code === 'TTS_FAILED' && /boom-a/.test(err.message) && /b: b gave no audio within 50 ms/.test(err.message));
});

test('an engine failing after its first audio ends the segment there (no second voice repeating the words)', async () => {
  const a = new ScriptedEngine('a', () => ({ kind: 'speak', chunks: 3, failAfterChunks: 1 }));
  const b = new ScriptedEngine('b', () => ({ kind: 'speak', chunks: 1 }));
  const chain = new EngineChain(
    [
      { engine: a, voice: '' },
      { engine: b, voice: '' },
    ],
    { firstAudioTimeoutMs: 200, stallTimeoutMs: 200, failuresBeforeCooldown: 5, cooldownMs: 1000, cacheEntries: 0, cacheMaxSeconds: 10 },
    log,
  );
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const c of chain.synthesize('hello', NEUTRAL_PROSODY, new AbortController().signal)) got.push(c.engine);
    })(),
    (err: Error & { code?: string }) => err.code === 'TTS_FAILED' && /mid-segment/.test(err.message),
  );
  assert.deepEqual(got, ['a']);
  assert.equal(b.calls.length, 0);
});
