/**
 * LLM provider figures: loading the tiny random-weight GGUF with node-llama-cpp (threads 1), its
 * time to first token for a fresh and a continued conversation, and the OpenAI-compatible client's
 * own overhead against the fake server (TTFT with the fake's delay set to 0, and chain fallback
 * cost when the first provider refuses connections).
 *
 *   npm run bench -- llm [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeTinyGguf } from '../scripts/make-test-gguf.ts';
import { LlamaCppProvider } from '../src/agent/llm/llama-cpp.ts';
import type { ChatMessage, LlmProvider } from '../src/agent/llm/llm-types.ts';
import { OpenAiCompatibleProvider } from '../src/agent/llm/openai-compatible.ts';
import { ProviderChain } from '../src/agent/llm/provider-chain.ts';
import { closedPortUrl, startFakeOpenAiServer } from '../test/fakes/fake-openai-server.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const SYSTEM: ChatMessage = { role: 'system', content: 'You are Neiri, a witty and kind VTuber. Reply in one or two short sentences.' };

/** Time to the first text chunk and to the end of the stream, ms. */
async function ttft(provider: LlmProvider, messages: ChatMessage[], maxTokens: number): Promise<{ first: number; total: number; text: string }> {
  const started = performance.now();
  let first = Number.NaN;
  let text = '';
  for await (const c of provider.stream({ messages, sampling: { temperature: 0, max_tokens: maxTokens }, signal: new AbortController().signal })) {
    if (c.type === 'text') {
      if (Number.isNaN(first)) first = performance.now() - started;
      text += c.text;
    }
  }
  return { first, total: performance.now() - started, text };
}

function row(name: string, values: number[], extra: BenchRow = {}): BenchRow {
  return { measure: name, runs: values.length, p50_ms: median(values), p95_ms: percentile(values, 95), ...extra };
}

export async function main(args: string[]): Promise<void> {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt !== -1 ? Math.max(1, Number(args[runsAt + 1]) || 10) : 10;
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-'));
  try {
    // node-llama-cpp with the tiny GGUF
    const modelPath = path.join(dir, 'tiny.gguf');
    const size = writeTinyGguf(modelPath, 1);
    const llama = new LlamaCppProvider({ id: 'llama:tiny', modelPath, threads: 1, contextSize: 2048, gpu: false });
    const loadStarted = performance.now();
    await llama.warmup();
    rows.push({ measure: 'tiny GGUF: runtime + model + context load (first, cold)', runs: 1, p50_ms: performance.now() - loadStarted, p95_ms: null, file_kib: Math.round(size / 1024) });
    const modelLoads: number[] = [];
    for (let i = 0; i < Math.min(runs, 5); i++) {
      const again = new LlamaCppProvider({ id: 'llama:tiny2', modelPath, threads: 1, contextSize: 2048, gpu: false });
      const t = performance.now();
      await again.warmup();
      modelLoads.push(performance.now() - t);
      await again.dispose();
    }
    rows.push(row('tiny GGUF: model + context load (runtime already up)', modelLoads));
    const fresh: number[] = [];
    const continued: number[] = [];
    for (let i = 0; i < runs; i++) {
      const history: ChatMessage[] = [{ ...SYSTEM, content: `${SYSTEM.content} Session ${i}.` }, { role: 'user', content: 'hello chat, what are we playing today' }];
      const a = await ttft(llama, history, 8);
      fresh.push(a.first);
      const b = await ttft(llama, [...history, { role: 'assistant', content: a.text }, { role: 'user', content: 'nice' }], 8);
      continued.push(b.first);
    }
    rows.push(row('tiny GGUF: TTFT, new conversation (full prefill)', fresh));
    rows.push(row('tiny GGUF: TTFT, continued conversation (session reused)', continued));
    await llama.dispose();

    // OpenAI-compatible client against the fake server (engine overhead: the fake adds no delay)
    const fake = await startFakeOpenAiServer();
    try {
      fake.defaultReply = { text: 'Hello there, chat! Nice to see you.' };
      const openai = new OpenAiCompatibleProvider({ id: 'openai:fake', baseUrl: fake.baseUrl, model: 'fake', connectTimeoutMs: 5000, firstTokenTimeoutMs: 5000, idleTimeoutMs: 5000 });
      await ttft(openai, [SYSTEM, { role: 'user', content: 'warm up' }], 50);
      const http: number[] = [];
      for (let i = 0; i < runs * 3; i++) http.push((await ttft(openai, [SYSTEM, { role: 'user', content: 'hi' }], 50)).first);
      rows.push(row('openai client: TTFT against the fake (0 ms scripted delay)', http));
      const chain = new ProviderChain([
        { provider: new OpenAiCompatibleProvider({ id: 'openai:down', baseUrl: await closedPortUrl(), model: 'x', connectTimeoutMs: 5000, firstTokenTimeoutMs: 5000, idleTimeoutMs: 5000 }) },
        { provider: openai },
      ], { failuresBeforeCooldown: 1_000_000 });
      const fallback: number[] = [];
      for (let i = 0; i < runs * 3; i++) fallback.push((await ttft(chain, [SYSTEM, { role: 'user', content: 'hi' }], 50)).first);
      rows.push(row('chain: TTFT when the first provider refuses connections', fallback));
    } finally {
      await fake.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeResult({
    name: 'llm',
    description:
      'LLM providers. The tiny random-weight GGUF (scripts/make-test-gguf.ts) loaded by node-llama-cpp with threads: 1, TTFT for a new and a continued conversation; the OpenAI-compatible client against the loopback fake server with no scripted delay (client + HTTP + SSE overhead), and the extra cost of falling back past a refused provider.',
    rows,
    notes: ['Measured on a shared machine: loads vary with other processes. The tiny model only tests the loading and streaming code; real models are far slower.'],
  });
}
