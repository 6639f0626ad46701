// Memory recall latency at 10k and 100k items (real embedded Chroma, built-in embedder), with
// embedding time shown separately, plus seed and bulk import throughput.
// Usage: npm run bench -- memory [--max-items 100000] [--queries 200] [--max-minutes 12]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ROOT_DIR } from '../src/config/env.ts';
import { MemoryConfigSchema } from '../src/memory/memory-config.ts';
import { ChromaStore } from '../src/memory/chroma-store.ts';
import { ChromaSupervisor } from '../src/memory/chroma-supervisor.ts';
import { HashedEmbedder } from '../src/memory/embedders/hashed-embedder.ts';
import { MemoryDb } from '../src/memory/memory-db.ts';
import { validateImport } from '../src/memory/memory-import.ts';
import type { MemoryItem } from '../src/memory/memory-item.ts';
import { MemoryService } from '../src/memory/memory-service.ts';
import { importSeed } from '../src/memory/memory-seed.ts';
import type { InputItem } from '../src/core/input.ts';
import { percentile, writeResult, type BenchRow } from './lib/report.ts';

const WORDS = 'cat dog tea coffee game stream music art painting guitar piano city rain snow summer winter birthday school exam job office train bike garden cake pizza ramen sushi movie book anime dragon castle forest ocean mountain river star moon sun cloud friend sister brother mother father puppy kitten hamster parrot coding drawing running swimming hiking camping travel japan france brazil canada'.split(' ');
const TEMPLATES = ['my {a} is called {N}', 'I love {a} and {b}', 'I just got back from {a} with my {b}', 'my favourite {a} is {b}', 'I am learning {a} this {b}', 'we watched a {a} about {b} yesterday'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeItems(from: number, count: number, rand: () => number): MemoryItem[] {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  const now = Date.now();
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const user = `twitch:${Math.floor(rand() * 2000)}`;
    const text = `viewer${user.slice(7)}: ${pick(TEMPLATES).replace('{a}', pick(WORDS)).replace('{b}', pick(WORDS)).replace('{N}', `Name${i % 997}`)}`;
    return {
      id: `bench-${i}`,
      text,
      metadata: { kind: 'user', scope: 'long', importance: Math.round(rand() * 100) / 100, tags: [], emotion: '', user_id: user, user_name: `viewer${user.slice(7)}`, source: 'bench', character: 'default', created_at: now - Math.floor(rand() * 90 * 86_400_000), updated_at: now, expires_at: 0 },
    } satisfies MemoryItem;
  });
}

function input(userId: string, text: string): InputItem {
  return { id: 'q', kind: 'chat', text, user: { id: userId, displayName: 'x', platform: 'twitch' }, receivedAt: 0 };
}

interface RecallTimes {
  warm: number[];
  cold: number[];
  embed: number[];
  query: number[];
}

/**
 * Per query: the embedding alone; a speaker-filtered Chroma query alone; recall with a cold cache
 * (loads the viewer's items from Chroma); recall with a warm cache (what a turn sees, because the
 * stage prefetches when the input is queued).
 */
async function measureRecall(memory: MemoryService, store: ChromaStore, embedder: HashedEmbedder, queries: number, rand: () => number): Promise<RecallTimes> {
  const t: RecallTimes = { warm: [], cold: [], embed: [], query: [] };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  for (let i = 0; i < queries + 10; i++) {
    const text = `what was my ${pick(WORDS)} called again? I told you about ${pick(WORDS)}`;
    const user = `twitch:${Math.floor(rand() * 2000)}`;
    const e0 = performance.now();
    const v = await embedder.embed([text]);
    const e1 = performance.now();
    await store.query('long', v[0] as number[], 20, { user_id: { $in: [user, ''] } });
    const q1 = performance.now();
    memory.cache.dropUser(user);
    await memory.recall(input(user, text));
    const c1 = performance.now();
    await memory.recall(input(user, `do you remember my ${pick(WORDS)}?`));
    const w1 = performance.now();
    if (i >= 10) {
      t.embed.push(e1 - e0);
      t.query.push(q1 - e1);
      t.cold.push(c1 - q1);
      t.warm.push(w1 - c1);
    }
  }
  return t;
}

function recallColumns(r: RecallTimes): BenchRow {
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    recall_p50_ms: round(percentile(r.warm, 50)),
    recall_p95_ms: round(percentile(r.warm, 95)),
    embed_p50_ms: round(percentile(r.embed, 50)),
    cold_recall_p50_ms: round(percentile(r.cold, 50)),
    chroma_filtered_query_p50_ms: round(percentile(r.query, 50)),
  };
}

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, def: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const maxItems = arg('max-items', 100_000);
  const queries = arg('queries', 200);
  const deadline = Date.now() + arg('max-minutes', 12) * 60_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memory-bench-'));
  const log = pino({ level: 'warn' });
  const cfg = MemoryConfigSchema.parse({});
  const supervisor = new ChromaSupervisor({ mode: 'embedded', url: '', port: 0, dataPath: path.join(dir, 'chroma'), rootDir: ROOT_DIR, healthIntervalMs: 2000, startupTimeoutMs: 30_000, backoff: { initialMs: 500, maxMs: 5000 }, log });
  const embedder = new HashedEmbedder(cfg.embedder.dimensions);
  const db = new MemoryDb(dir);
  const store = new ChromaStore('bench', embedder, log);
  const memory = new MemoryService(cfg, db, store, embedder, () => supervisor.isHealthy, log);
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const goals: Array<{ metric: string; goal: string; value: number | string; met: boolean }> = [];
  const rand = rng(42);
  try {
    const t0 = performance.now();
    if (!(await supervisor.start())) throw new Error(`chroma did not start: ${supervisor.lastErrors().join(' | ')}`);
    await store.open(supervisor.url, 'refuse');
    notes.push(`Chroma embedded server started in ${Math.round(performance.now() - t0)} ms.`);

    // Seed: the shipped character file through the start-up path (importSeed: hash check → validate →
    // outbox), then until Chroma has it. Changed = first start or an edited file; unchanged = every other start.
    const charactersDir = path.join(ROOT_DIR, 'characters');
    const s0 = performance.now();
    const seedCount = importSeed(memory, charactersDir, 'neiri', log);
    await memory.settle(30_000);
    const seedMs = performance.now() - s0;
    const u0 = performance.now();
    const again = importSeed(memory, charactersDir, 'neiri', log);
    const unchangedMs = performance.now() - u0;
    if (again !== 0) throw new Error('the unchanged seed was imported again');
    goals.push({ metric: 'seed import at start, file unchanged (hash check)', goal: '< 50 ms', value: Math.round(unchangedMs * 100) / 100, met: unchangedMs < 50 });
    const seedRecall = await measureRecall(memory, store, embedder, queries, rand);
    const seedP50 = percentile(seedRecall.warm, 50);
    rows.push({ items: seedCount, phase: 'seed', import_ms: Math.round(seedMs * 10) / 10, import_items_per_s: Math.round(seedCount / (seedMs / 1000)), ...recallColumns(seedRecall) });
    goals.push({ metric: 'seed import at the very first start (empty Chroma: its first write to a new collection creates the index files)', goal: '< 200 ms', value: Math.round(seedMs * 10) / 10, met: seedMs < 200 });
    goals.push({ metric: 'recall p50 on the seed store', goal: '< 50 ms', value: seedP50, met: seedP50 < 50 });

    // Admin import path at 10k (validate + outbox transaction + flush), then bulk upserts to 100k.
    let count = seedCount;
    for (const target of [10_000, 100_000]) {
      if (target > maxItems) break;
      const add = target - count;
      if (Date.now() > deadline) {
        notes.push(`stopped before ${target} items: time bound reached`);
        break;
      }
      const i0 = performance.now();
      let embedMs = 0;
      if (target === 10_000) {
        const docs = makeItems(count, add, rand).map((it) => ({ id: it.id, text: it.text, metadata: { ...it.metadata, created_at: it.metadata.created_at } }));
        const items = validateImport({ items: docs }, { maxItems: 10_000, maxTextChars: 4000 }, Date.now(), 3_600_000);
        const ee = performance.now();
        await embedder.embed(items.map((i) => i.text));
        embedMs = performance.now() - ee;
        memory.write(items);
        await memory.settle(600_000);
      } else {
        for (let done = 0; done < add && Date.now() < deadline; done += 5000) {
          const batch = makeItems(count + done, Math.min(5000, add - done), rand);
          const ee = performance.now();
          await embedder.embed(batch.map((i) => i.text));
          embedMs += performance.now() - ee;
          await store.upsert(batch);
        }
      }
      const importMs = performance.now() - i0;
      count = await store.count('long');
      const r = await measureRecall(memory, store, embedder, queries, rand);
      const p50 = percentile(r.warm, 50);
      rows.push({
        items: count,
        phase: target === 10_000 ? 'admin import (outbox)' : 'bulk upsert',
        import_ms: Math.round(importMs),
        import_items_per_s: Math.round((count - (target === 10_000 ? seedCount : 10_000)) / (importMs / 1000)),
        embed_share_of_import: Math.round((embedMs / importMs) * 1000) / 1000,
        ...recallColumns(r),
      });
      if (target === 10_000) {
        const rate = (count - seedCount) / (importMs / 1000);
        goals.push({ metric: '10k import through the outbox (items/s)', goal: '≥ 2,000', value: Math.round(rate), met: rate >= 2000 });
      }
      goals.push({ metric: `recall p50 at ${target / 1000}k`, goal: target === 10_000 ? '≤ 5 ms' : '≤ 10 ms', value: p50, met: p50 <= (target === 10_000 ? 5 : 10) });
    }
    notes.push('recall_p50/p95 = what a turn sees: embed the query (built-in hashed embedder, 384-d) + exact cosine over the speaker\'s and the general memories held by the recall cache (prefetched when the input is queued) + re-rank. It includes embed_p50_ms, which is also shown alone.');
    notes.push('cold_recall = the same with an empty cache (loads the viewer\'s items from Chroma with a metadata filter); chroma_filtered_query = one speaker-filtered top-20 Chroma query, the path used when a viewer has more than 2,000 memories.');
    notes.push(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores (shared machine; Chroma times scale with load).`);
    notes.push('Before the import changes (2026-11-21, load 18 on 2 cores): seed 8 items 661 ms (no start-up hash check in the bench), 10k import 261 items/s. Now the outbox holds 1,000-item rows, two disjoint rows go to Chroma at once, and an unchanged seed file is skipped by its sha256.');
    notes.push('The seed on an existing store (file unchanged, file edited) and the import through the admin route are measured by `npm run bench -- memory-import`. A first write of 8 items into a new Chroma collection took 180–670 ms on this host (15–50 ms into an existing one): a once-per-store cost.');
    notes.push(`${queries} queries per size after 10 warm-up queries; 2,000 distinct viewers, so each query filters to ~1/2000 of the items plus general ones.`);
    writeResult({ name: 'memory', description: 'Memory recall latency and import throughput against a real embedded Chroma server, built-in offline embedder.', rows, goals, notes });
  } finally {
    memory.close();
    await supervisor.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
