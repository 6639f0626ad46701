import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { writeTinyGguf } from '../../../scripts/make-test-gguf.ts';
import { EngineError } from '../../core/errors.ts';
import { LlamaCppProvider, toHistory } from './llama-cpp.ts';
import type { ChatMessage, LlmChunk, LlmRequest } from './llm-types.ts';

// One tiny random-weight model for the whole file; node-llama-cpp's runtime loads once per process.
const dir = mkdtempSync(path.join(os.tmpdir(), 'tiny-gguf-'));
const modelPath = path.join(dir, 'tiny.gguf');
let provider: LlamaCppProvider;

before(() => {
  writeTinyGguf(modelPath, 1);
  provider = new LlamaCppProvider({ id: 'llama:tiny', modelPath, threads: 1, contextSize: 2048, gpu: false });
});

after(async () => {
  await provider.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function request(messages: ChatMessage[], extra: Partial<LlmRequest> = {}): LlmRequest {
  return { messages, sampling: { temperature: 0, max_tokens: 12 }, signal: new AbortController().signal, ...extra };
}

async function collect(iter: AsyncIterable<LlmChunk>): Promise<{ text: string; chunks: LlmChunk[] }> {
  const chunks: LlmChunk[] = [];
  for await (const c of iter) chunks.push(c);
  return { text: chunks.map((c) => (c.type === 'text' ? c.text : '')).join(''), chunks };
}

const SYSTEM: ChatMessage = { role: 'system', content: 'You are Neiri, a cheerful streamer. Keep replies short and kind to the chat.' };

test('loads the generated tiny GGUF with one thread and streams tokens', async () => {
  await provider.warmup();
  assert.ok(provider.stats.loadMs > 0);
  const { text, chunks } = await collect(provider.stream(request([SYSTEM, { role: 'user', content: 'hello chat' }])));
  const textChunks = chunks.filter((c) => c.type === 'text');
  assert.ok(textChunks.length >= 2, `expected several text chunks, got ${textChunks.length}`);
  assert.ok(text.trim().length > 0);
  const done = chunks.at(-1);
  assert.equal(done?.type, 'done');
  assert.ok(done?.type === 'done' && (done.usage?.completionTokens ?? 0) > 0);
});

test('reuses the session when the history continues, and resets it when it does not', async () => {
  const first: ChatMessage[] = [SYSTEM, { role: 'user', content: 'what game today' }];
  const a = await collect(provider.stream(request(first)));
  const fullFirst = provider.stats.lastSequenceTokens;
  const continued: ChatMessage[] = [...first, { role: 'assistant', content: a.text }, { role: 'user', content: 'nice' }];
  const before = provider.stats.continuations;
  await collect(provider.stream(request(continued)));
  assert.equal(provider.stats.continuations, before + 1, 'the second request is a continuation');
  const evaluated = provider.stats.lastEvaluatedInputTokens;
  assert.ok(evaluated < fullFirst, `continuation evaluated ${evaluated} prompt tokens, the first turn alone held ${fullFirst}`);

  const other: ChatMessage[] = [{ role: 'system', content: 'A different persona entirely, with other words.' }, { role: 'user', content: 'hi' }];
  await collect(provider.stream(request(other)));
  assert.equal(provider.stats.continuations, before + 1, 'a different history is not a continuation');
  const fresh = provider.stats.lastEvaluatedInputTokens;
  assert.ok(fresh > evaluated, `a new history evaluates its whole prompt (${fresh} tokens) instead of a continuation's few (${evaluated})`);
});

test('aborting stops the local stream within 50 ms and the next request still works', async () => {
  const ac = new AbortController();
  let abortedAt = 0;
  await assert.rejects(
    (async () => {
      let n = 0;
      for await (const c of provider.stream(request([SYSTEM, { role: 'user', content: 'tell me a long story' }], { signal: ac.signal, sampling: { temperature: 0.8, max_tokens: 400 } }))) {
        if (c.type === 'text' && ++n === 2) {
          abortedAt = performance.now();
          ac.abort();
        }
      }
    })(),
    (err: unknown) => err instanceof EngineError && err.code === 'ABORTED',
  );
  const ms = performance.now() - abortedAt;
  assert.ok(ms < 50, `stopped ${ms.toFixed(1)} ms after abort`);
  const { text } = await collect(provider.stream(request([SYSTEM, { role: 'user', content: 'again' }])));
  assert.ok(text.length > 0);
});

test('tools are offered without breaking generation, and tool turns map to function calls with results', async () => {
  const { chunks } = await collect(
    provider.stream(request([SYSTEM, { role: 'user', content: 'what time is it' }], { tools: [{ name: 'get_time', description: 'current time', parameters: { type: 'object', properties: {} } }] })),
  );
  assert.equal(chunks.at(-1)?.type, 'done');
  const history = toHistory([
    SYSTEM,
    { role: 'user', content: 'time?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_time', arguments: '{"tz":"UTC"}' }] },
    { role: 'tool', content: '12:00', toolCallId: 'c1', name: 'get_time' },
    { role: 'assistant', content: 'It is noon.' },
  ]);
  assert.deepEqual(history.at(-1), { type: 'model', response: [{ type: 'functionCall', name: 'get_time', params: { tz: 'UTC' }, result: '12:00' }, 'It is noon.'] });
  assert.equal(history.length, 3);
});

test('a missing model file is reported as MODEL_MISSING', async () => {
  const missing = new LlamaCppProvider({ id: 'llama:none', modelPath: path.join(dir, 'nope.gguf'), threads: 1, contextSize: 256, gpu: false });
  await assert.rejects(collect(missing.stream(request([{ role: 'user', content: 'hi' }]))), (err: unknown) => err instanceof EngineError && err.code === 'MODEL_MISSING');
});

test('a file that is not a GGUF (an HTML error page saved as .gguf) is MODEL_MISSING at once, not a hung load', async () => {
  const html = path.join(dir, 'error-page.gguf');
  writeFileSync(html, '<!doctype html><title>502 Bad Gateway</title>');
  const bad = new LlamaCppProvider({ id: 'llama:html', modelPath: html, threads: 1, contextSize: 256, gpu: false });
  await assert.rejects(collect(bad.stream(request([{ role: 'user', content: 'hi' }]))), (err: unknown) => err instanceof EngineError && err.code === 'MODEL_MISSING' && /error-page\.gguf is not a usable GGUF file \(it does not start with the GGUF magic\)/.test(err.message));
});

/** The first .gguf under VTUBER_MODELS_DIR (two levels deep), if any. */
function findRealModel(): string | undefined {
  const root = process.env.VTUBER_MODELS_DIR;
  if (!root) return undefined;
  const walk = (d: string, depth: number): string | undefined => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return undefined;
    }
    for (const name of names.sort()) {
      const full = path.join(d, name);
      if (name.toLowerCase().endsWith('.gguf') && statSync(full).isFile()) return full;
      if (depth > 0 && statSync(full).isDirectory()) {
        const found = walk(full, depth - 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(root, 2);
}

const realModel = findRealModel();
test('a real GGUF model answers in character', { skip: realModel ? false : 'no .gguf model under VTUBER_MODELS_DIR (set it to a folder holding one to run this test)' }, async () => {
  const real = new LlamaCppProvider({ id: 'llama:real', modelPath: realModel as string, threads: 2, contextSize: 2048, gpu: false });
  try {
    const { text } = await collect(real.stream(request([SYSTEM, { role: 'user', content: 'Say hello to the chat in one short sentence.' }], { sampling: { temperature: 0.2, max_tokens: 40 } })));
    assert.ok(text.trim().length > 0);
    assert.ok(!/<think>/i.test(text));
  } finally {
    await real.dispose();
  }
});
