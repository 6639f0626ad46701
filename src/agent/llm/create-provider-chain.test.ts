import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { parse } from 'yaml';
import { closedPortUrl, startFakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import { ROOT_DIR } from '../../config/env.ts';
import { CharacterConfigSchema } from '../../config-schema.ts';
import { createProviderChain, samplingFromConfig } from './create-provider-chain.ts';
import { LlmConfigSchema } from './llm-config.ts';
import type { ChainSnapshot } from './provider-chain.ts';

const silent = pino({ level: 'silent' });

test('the documented template equals the schema defaults for the llm block', () => {
  const template = parse(readFileSync(path.join(ROOT_DIR, 'config_templates', 'conf.default.yaml'), 'utf8')) as { character: { llm: unknown } };
  assert.deepEqual(LlmConfigSchema.parse(template.character.llm), CharacterConfigSchema.parse({}).llm);
});

test('the llm schema rejects keys in conf.yaml and unknown provider types', () => {
  assert.throws(() => LlmConfigSchema.parse({ providers: [{ type: 'openai', api_key: 'sk-123' }] }));
  assert.throws(() => LlmConfigSchema.parse({ providers: [{ type: 'openai', api_key_env: 'not a name' }] }));
  assert.throws(() => LlmConfigSchema.parse({ providers: [{ type: 'claude' }] }));
  assert.deepEqual(samplingFromConfig(LlmConfigSchema.parse({ sampling: { repeat_penalty: 1, stop: ['\nUser:'] } }).sampling), {
    temperature: 0.8,
    top_p: 0.95,
    frequency_penalty: 0.2,
    presence_penalty: 0.1,
    max_tokens: 200,
    stop: ['\nUser:'],
  });
});

test('createProviderChain builds providers in order, reads the key from the named env var, and lists missing models', async (t) => {
  const fake = await startFakeOpenAiServer();
  const models = mkdtempSync(path.join(os.tmpdir(), 'llm-models-'));
  t.after(async () => {
    await fake.close();
    rmSync(models, { recursive: true, force: true });
  });
  fake.enqueue({ text: 'hello from the fake' });
  const config = LlmConfigSchema.parse({
    providers: [
      { type: 'llama_cpp', model_path: 'llm/missing.gguf' },
      { type: 'openai', id: 'down', base_url: await closedPortUrl(), model: 'x' },
      { type: 'openai', id: 'fake', base_url: fake.baseUrl, model: 'fake-model', api_key_env: 'TEST_LLM_KEY' },
    ],
    sampling: { temperature: 0.3, max_tokens: 50 },
  });
  const changes: ChainSnapshot[] = [];
  const chain = createProviderChain(config, { modelsDir: models }, silent, { env: { TEST_LLM_KEY: 'sk-from-env-abcdef123' }, onChange: (s) => changes.push(s) });
  let text = '';
  for await (const c of chain.stream({ messages: [{ role: 'user', content: 'hi' }], sampling: samplingFromConfig(config.sampling), signal: new AbortController().signal })) {
    if (c.type === 'text') text += c.text;
  }
  assert.equal(text, 'hello from the fake');
  assert.equal(fake.requests[0]?.headers.authorization, 'Bearer sk-from-env-abcdef123');
  assert.deepEqual(fake.requests[0]?.sampling, { temperature: 0.3, top_p: 0.95, frequency_penalty: 0.2, presence_penalty: 0.1, max_tokens: 50 });
  const snap = chain.snapshot();
  assert.deepEqual(
    snap.providers.map((p) => [p.id, p.state]),
    [
      ['down', 'failing'],
      ['fake', 'ok'],
      ['llama:missing', 'unavailable'],
    ],
  );
  assert.match(snap.providers[2]?.detail ?? '', /model file not found/);
  assert.ok(changes.length >= 2, 'onChange reports health changes');
  await chain.dispose();
});
