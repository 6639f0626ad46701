import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { parse } from 'yaml';
import { ScenarioFileSchema, runPersonaEval } from '../../src/agent/eval/persona-eval.ts';
import { createProviderChain } from '../../src/agent/llm/create-provider-chain.ts';
import { LlmConfigSchema } from '../../src/agent/llm/llm-config.ts';
import { ROOT_DIR } from '../../src/config/env.ts';
import { CharacterConfigSchema } from '../../src/config-schema.ts';
import { startFakeOpenAiServer } from '../fakes/fake-openai-server.ts';

test('the shipped scenario file is valid and covers the required situations', () => {
  const file = ScenarioFileSchema.parse(parse(readFileSync(path.join(ROOT_DIR, 'prompts', 'scenarios.yaml'), 'utf8')));
  const names = file.scenarios.map((s) => s.name);
  for (const n of ['chat', 'jokes', 'friendly tease', 'conflict and de-escalation', 'creator addresses the character', 'silence', 'same question again', 'viewer changes nickname']) assert.ok(names.includes(n), n);
});

test('persona eval over HTTP reports length, tag validity, repetition and rule violations', async () => {
  const fake = await startFakeOpenAiServer();
  try {
    fake.enqueue(
      { text: '[emotion: happy] My favourite game is chess, it is a classic.' },
      { text: '[emotion: elated] My favourite game is chess, it is a classic.' },
      { text: '- one\n- two\n**bold** 🎉 And a third sentence. And a fourth. And a fifth.' },
    );
    const log = pino({ level: 'silent' });
    const chain = createProviderChain(LlmConfigSchema.parse({ providers: [{ type: 'openai', base_url: fake.baseUrl, model: 'fake-model' }] }), { modelsDir: '/nonexistent' }, log);
    const character = CharacterConfigSchema.parse({});
    const file = ScenarioFileSchema.parse({ scenarios: [{ name: 'again', steps: [{ text: 'fav game?' }, { text: 'fav game?' }, { text: 'list please' }] }] });
    const reports = await runPersonaEval(file, character, '', chain, {}, log, new AbortController().signal);
    assert.equal(reports.length, 3);
    assert.equal(reports[0]?.invalidTags, 0);
    assert.equal(reports[1]?.invalidTags, 1);
    assert.ok((reports[1]?.repetition ?? 0) > 0.9);
    assert.ok(reports[1]?.violations.some((v) => v.startsWith('repeats')));
    assert.ok(reports[2]?.violations.includes('markdown'));
    assert.ok(reports[2]?.violations.includes('emoji'));
    assert.ok(reports[2]?.violations.some((v) => v.includes('sentences')));
    assert.equal(fake.requests.length, 3);
    assert.equal(fake.requests[1]?.messages.at(-2)?.content, 'My favourite game is chess, it is a classic.', 'earlier replies are the history');
  } finally {
    await fake.close();
  }
});
