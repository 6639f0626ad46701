// Memory import through the admin route: POST /admin/memory/import with 10k items (JSON) against a
// real daemon with its embedded Chroma and the built-in lexical embedder, until the route answers
// `stored: true` (every item is in Chroma and recallable). Also the start-up seed import on an
// existing store: the file unchanged (hash check) and the file edited.
// Usage: npm run bench -- memory-import [--runs 3] [--items 10000]
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ROOT_DIR } from '../src/config/env.ts';
import { importSeed } from '../src/memory/memory-seed.ts';
import { memoryStage } from '../src/memory/memory-stage.ts';
import { startTestDaemon } from '../test/helpers/test-daemon.ts';
import { until } from '../test/helpers/memory-fixtures.ts';
import { median, writeResult, type BenchRow } from './lib/report.ts';

const TOKEN = 'bench-admin-token';
const WORDS = 'cat dog tea coffee game stream music art painting guitar piano city rain snow summer winter birthday school exam job office train bike garden cake pizza ramen sushi movie book anime dragon castle forest ocean mountain river star moon sun cloud friend sister brother mother father puppy kitten hamster parrot coding drawing running swimming hiking camping travel japan france brazil canada кошка собака чай кофе игра музыка'.split(' ');
const TEMPLATES = ['my {a} is called {N}', 'I love {a} and {b}', 'I just got back from {a} with my {b}', 'my favourite {a} is {b}', 'я люблю {a} и {b}', 'мою {a} зовут {N}'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An export-format document of `count` viewer memories (what the admin panel's import sends). */
function importDoc(run: number, count: number): string {
  const rand = rng(1000 + run);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  const items = Array.from({ length: count }, (_, i) => {
    const viewer = Math.floor(rand() * 2000);
    const text = `viewer${viewer}: ${pick(TEMPLATES).replace('{a}', pick(WORDS)).replace('{b}', pick(WORDS)).replace('{N}', `Name${i % 997}`)}`;
    return { id: `bench-${run}-${i}`, text, metadata: { kind: 'user', importance: Math.round(rand() * 100) / 100, user_id: `twitch:${viewer}`, user_name: `viewer${viewer}`, created_at: Date.now() - Math.floor(rand() * 90 * 86_400_000) } };
  });
  return JSON.stringify({ version: 1, items });
}

/** CPU time (ms) a process has used so far, from /proc (Chroma runs as a child process). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * (1000 / 100);
}

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, def: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const runs = arg('runs', 3);
  const count = arg('items', 10_000);
  const load0 = os.loadavg()[0] ?? 0;
  const td = await startTestDaemon({
    config: { memory: { embedder: { type: 'hashed' }, import: { max_items: Math.max(10_000, count) }, consolidation: { interval_minutes: 0 } } },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
    stages: [memoryStage],
    logLevel: 'warn',
  });
  const rows: BenchRow[] = [];
  const goals: Array<{ metric: string; goal: string; value: number | string; met: boolean }> = [];
  const seedDir = mkdtempSync(path.join(os.tmpdir(), 'memory-import-bench-'));
  try {
    const memory = td.daemon.services.get('memory');
    if (!memory) throw new Error('the memory stage did not start');
    await until(() => memory.available && td.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live');
    if (!(await memory.settle(30_000))) throw new Error('the first-start seed did not settle');
    const chromaPid = (td.daemon.status.get('stage', 'memory')?.info as { chroma?: { pid?: number | null } } | undefined)?.chroma?.pid;

    const rates: number[] = [];
    for (let run = 0; run < runs; run++) {
      const body = importDoc(run, count);
      const before = (await memory.counts()).long;
      const cpu0 = process.cpuUsage();
      const chroma0 = chromaPid ? procCpuMs(chromaPid) : 0;
      const t0 = performance.now();
      const res = await fetch(`${td.url}/admin/memory/import`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
      const answer = (await res.json()) as { imported?: number; stored?: boolean };
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const stored = (await memory.counts()).long - before;
      if (res.status !== 200 || answer.stored !== true || stored !== count) throw new Error(`import run ${run + 1}: status ${res.status}, ${JSON.stringify(answer)}, ${stored} new items in Chroma`);
      const rate = count / (ms / 1000);
      rates.push(rate);
      rows.push({
        case: `POST /admin/memory/import, ${count} items`,
        run: run + 1,
        body_mb: +(body.length / 2 ** 20).toFixed(2),
        wall_ms: Math.round(ms),
        items_per_s: Math.round(rate),
        daemon_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
        chroma_cpu_ms: chromaPid ? Math.round(procCpuMs(chromaPid) - chroma0) : null,
        load_1m: +(os.loadavg()[0] ?? 0).toFixed(1),
      });
    }
    const rate = median(rates);
    goals.push({ metric: `${count} items through the admin route until stored (median items/s)`, goal: '≥ 2,000', value: Math.round(rate), met: rate >= 2000 });

    // The seed on an existing store: a copy of the shipped file, imported, then unchanged, then edited.
    const character = memory.character;
    const seedFile = path.join(seedDir, `${character}.memory.yaml`);
    copyFileSync(path.join(ROOT_DIR, 'characters', 'neiri.memory.yaml'), seedFile);
    const log = pino({ level: 'silent' });
    importSeed(memory, seedDir, character, log);
    await memory.settle(30_000);
    const unchanged: number[] = [];
    const changed: number[] = [];
    for (let run = 0; run < runs; run++) {
      const u0 = performance.now();
      if (importSeed(memory, seedDir, character, log) !== 0) throw new Error('an unchanged seed was imported again');
      unchanged.push(performance.now() - u0);
      // An edit: one more line at the end of the file (a new memory), as a streamer would add one.
      writeFileSync(seedFile, `${readFileSync(seedFile, 'utf8').trimEnd()}\n  - text: "bench edit ${run}: Нейри любит дождь"\n`);
      const c0 = performance.now();
      const n = importSeed(memory, seedDir, character, log);
      if (n === 0 || !(await memory.settle(30_000))) throw new Error('the edited seed was not imported');
      changed.push(performance.now() - c0);
      rows.push({ case: 'seed at start, existing store', run: run + 1, seed_items: n, unchanged_ms: +(unchanged[run] as number).toFixed(2), changed_until_stored_ms: +(changed[run] as number).toFixed(1), load_1m: +(os.loadavg()[0] ?? 0).toFixed(1) });
    }
    goals.push({ metric: 'seed at start, file unchanged (hash check, median ms)', goal: '< 50 ms', value: +median(unchanged).toFixed(2), met: median(unchanged) < 50 });
    goals.push({ metric: 'seed at start, file edited, until stored in Chroma (median ms)', goal: '< 200 ms', value: +median(changed).toFixed(1), met: median(changed) < 200 });
  } finally {
    await td.stop();
    rmSync(seedDir, { recursive: true, force: true });
  }
  writeResult({
    name: 'memory-import',
    description: 'Memory import through POST /admin/memory/import on a real daemon (embedded Chroma, lexical embedder), timed from the request until the answer says every item is stored in Chroma; and the start-up seed import on an existing store.',
    rows,
    goals,
    notes: [
      `Load average (1 min) at the start: ${load0.toFixed(1)}, at the end: ${(os.loadavg()[0] ?? 0).toFixed(1)}, on ${os.cpus().length} cores shared with other jobs. daemon_cpu_ms and chroma_cpu_ms are CPU time, which load changes much less than wall time.`,
      'Each run imports new ids into a store that already holds the previous runs’ items (10k, 20k, 30k…), so later runs insert into a larger HNSW index.',
    ],
  });
}
