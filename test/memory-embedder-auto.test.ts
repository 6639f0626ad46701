import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeTinyGguf } from '../scripts/make-test-gguf.ts';
import { chooseEmbedder } from '../src/memory/embedders/embedder-choice.ts';
import { MemoryConfigSchema } from '../src/memory/memory-config.ts';
import { memoryStage } from '../src/memory/memory-stage.ts';
import { loadRegistry } from '../src/models/model-registry.ts';
import { replyDone, until, viewerInput } from './helpers/memory-fixtures.ts';
import { startTestDaemon, type TestDaemon } from './helpers/test-daemon.ts';

// The embedding model's place comes from the catalogue (src/models/registry.json), as `pull` installs it.
const registry = loadRegistry();
const entry = registry.models.find((m) => m.kind === 'embedding');
const MODEL_FILE = `${entry?.name}/${entry?.files?.[0]?.path}`;
const PULL = `npm run models -- pull ${entry?.name}`;

const TOKEN = 'test-admin-token';
const root = mkdtempSync(path.join(os.tmpdir(), 'vtuber-embedder-auto-'));
const modelsDir = path.join(root, 'models');
const dataDir = path.join(root, 'data');
mkdirSync(modelsDir, { recursive: true });

after(() => rmSync(root, { recursive: true, force: true }));

const defaults = MemoryConfigSchema.parse({}).embedder;

interface EmbedderInfo {
  id: string;
  kind: string;
  picked: string;
  reason: string;
  upgrade: string | null;
}

async function embedderStatus(td: TestDaemon): Promise<{ info: EmbedderInfo; collections: { long: number } | null }> {
  const res = await fetch(`${td.url}/admin/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { stages: Record<string, { info?: { embedder: EmbedderInfo; collections: { long: number } | null } }> };
  const info = body.stages.memory?.info;
  assert.ok(info, 'memory stage info in /admin/status');
  return { info: info.embedder, collections: info.collections };
}

const start = (): Promise<TestDaemon> =>
  startTestDaemon({
    // min_similarity 0: random weights give no meaningful similarity, only the real call path.
    config: { memory: { chroma: { health_interval_ms: 300 }, consolidation: { interval_minutes: 0 }, recall: { min_similarity: 0, timeout_ms: 5000 } } },
    env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_DATA_DIR: dataDir, VTUBER_MODELS_DIR: modelsDir },
    stages: [memoryStage],
    logLevel: 'info',
  });

test('auto is the default, picks the catalogue GGUF only when it is in the models folder, and keeps an explicit type', () => {
  assert.equal(defaults.type, 'auto');
  const empty = mkdtempSync(path.join(root, 'empty-'));
  const lexical = chooseEmbedder(defaults, empty, registry);
  assert.equal(lexical.kind, 'lexical');
  assert.equal(lexical.config.type, 'hashed');
  assert.match(lexical.reason, new RegExp(`no embedding model at ${path.join(empty, MODEL_FILE).replace(/[.]/g, '\\.')}`));
  assert.equal(lexical.upgrade, `${PULL} (then restart; memories are re-embedded)`);
  mkdirSync(path.join(empty, path.dirname(MODEL_FILE)), { recursive: true });
  writeFileSync(path.join(empty, MODEL_FILE), 'x');
  const semantic = chooseEmbedder(defaults, empty, registry);
  assert.deepEqual([semantic.kind, semantic.picked, semantic.config.type, semantic.config.model_file], ['semantic', 'auto', 'llama', MODEL_FILE]);
  assert.equal(semantic.upgrade, undefined);
  const pinned = chooseEmbedder({ ...defaults, type: 'hashed' }, empty, registry);
  assert.deepEqual([pinned.kind, pinned.picked, pinned.config.type], ['lexical', 'configured', 'hashed']);
});

test('daemon: lexical without the model (status says how to upgrade); after the GGUF appears it is semantic and old memories are re-embedded', async () => {
  let td = await start();
  try {
    await until(() => td.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live');
    const first = await embedderStatus(td);
    assert.deepEqual([first.info.kind, first.info.picked], ['lexical', 'auto']);
    assert.match(first.info.id, /^hashed/);
    assert.equal(first.info.upgrade, `${PULL} (then restart; memories are re-embedded)`);
    td.daemon.bus.emit('agent.reply_done', replyDone(viewerInput('twitch:77', 'Mira', 'my dog is called Pretzel and he loves snow')));
    const memory = td.daemon.services.get('memory');
    assert.ok(memory && (await memory.settle(15_000)), 'the memory was written');
  } finally {
    await td.stop();
  }

  // What `pull` leaves behind: the GGUF at the catalogue's path. A tiny random-weight llama GGUF
  // goes through the real node-llama-cpp loading and embedding calls.
  mkdirSync(path.join(modelsDir, path.dirname(MODEL_FILE)), { recursive: true });
  writeTinyGguf(path.join(modelsDir, MODEL_FILE), 3);
  td = await start();
  try {
    await until(() => td.daemon.status.get('stage', 'memory')?.state === 'live', 60_000, 'memory live with the GGUF embedder');
    await until(async () => ((await embedderStatus(td)).collections?.long ?? 0) >= 1, 15_000, 'collection counted');
    const second = await embedderStatus(td);
    assert.deepEqual([second.info.kind, second.info.picked, second.info.upgrade], ['semantic', 'auto', null]);
    assert.equal(second.info.id, `llama:${path.basename(MODEL_FILE)}`);
    assert.equal(second.collections?.long, 1, 'the lexical memory was re-embedded, not dropped');
    const memory = td.daemon.services.get('memory');
    assert.ok(memory);
    const recalled = await memory.recall(viewerInput('twitch:77', 'Mira', 'what is my dog called?'));
    assert.ok(recalled.some((r) => r.text.includes('Pretzel')), `recall through the GGUF embedder: ${JSON.stringify(recalled.map((r) => r.text))}`);
  } finally {
    await td.stop();
  }
});

test('daemon: a damaged GGUF falls back to lexical and status names the repair command', async () => {
  writeFileSync(path.join(modelsDir, MODEL_FILE), Buffer.from('GGUF but not really a model'));
  const td = await start();
  try {
    await until(() => td.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live');
    const s = await embedderStatus(td);
    assert.deepEqual([s.info.kind, s.info.picked], ['lexical', 'auto']);
    assert.match(s.info.reason, /the embedding model did not load/);
    assert.equal(s.info.upgrade, `${PULL} --force (the file may be damaged; then restart)`);
    assert.equal(s.collections?.long, 1, 'switching back re-embeds again');
  } finally {
    await td.stop();
  }
});
