import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LlmConfigSchema } from '../../src/agent/llm/llm-config.ts';
import { entrySources, findModel, loadRegistry, verifyMethod } from '../../src/models/model-registry.ts';

const registry = loadRegistry();

test('every catalogue file has a verification method, and HF/GitHub URLs are the official hosts', () => {
  for (const m of registry.models) {
    for (const s of entrySources(m)) {
      const how = verifyMethod(s);
      assert.ok(how, `${m.name}: ${s.url} is verifiable`);
      if (how === 'pinned sha256') assert.match(s.sha256 ?? '', /^[0-9a-f]{64}$/);
    }
  }
});

test('profiles en and ru each pull one LLM, one embedder, one ASR model for the language and one voice for it', () => {
  for (const lang of ['en', 'ru']) {
    const p = registry.profiles[lang];
    assert.ok(p, `profile ${lang}`);
    const entries = p.models.map((n) => findModel(registry, n));
    const kinds = entries.map((e) => e?.kind).sort();
    assert.deepEqual(kinds, ['asr', 'embedding', 'llm', 'tts']);
    for (const e of entries) if (e?.kind === 'asr' || e?.kind === 'tts') assert.ok(e.languages?.includes(lang), `${e.name} speaks ${lang}`);
  }
});

test("the default llama_cpp model_path is where the profiles' LLM lands", () => {
  const parsed = LlmConfigSchema.parse({});
  const provider = parsed.providers.find((p) => p.type === 'llama_cpp') as { model_path: string } | undefined;
  const llm = findModel(registry, registry.profiles.en?.models[0] ?? '');
  assert.ok(provider && llm?.files?.[0]);
  assert.equal(provider.model_path, `${llm.name}/${llm.files[0].path}`);
});
