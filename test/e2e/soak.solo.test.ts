import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSoak } from './soak.ts';

// The 200-turn show runs in `npm test`; VTUBER_SOAK=1 runs the full 2,000-turn show (a few minutes).
const FULL = process.env.VTUBER_SOAK === '1';
const TURNS = FULL ? 2000 : 200;

test(`compressed show: ${TURNS} turns of text, chat bursts, events and voice stay flat in memory, descriptors and processes, with no errors`, async () => {
  const r = await runSoak(TURNS, { warmup: FULL ? 200 : 100, voiceEvery: FULL ? 97 : 61, log: (l) => process.stdout.write(`# ${l}\n`) });
  process.stdout.write(`# soak: ${JSON.stringify(r)}\n`);
  assert.ok(r.turns >= TURNS);
  assert.equal(r.stuckTurns, 0);
  for (const kind of ['text', 'chat_batch', 'donation', 'sub', 'voice']) assert.ok((r.kinds[kind] ?? 0) > 0, `the show included ${kind} turns`);
  assert.equal(r.errorLogs, 0, 'no error-level log lines');
  assert.ok(r.fdsAtEnd <= r.fdsAtWarmup + 5, `file descriptors stay flat (${r.fdsAtWarmup} → ${r.fdsAtEnd})`);
  assert.ok(r.childrenAtEnd <= r.childrenAtWarmup + 1, `child processes stay flat (${r.childrenAtWarmup} → ${r.childrenAtEnd})`);
  // 100 turns after warm-up is too short for the heap to settle (seen 5–18 %); the 2,000-turn run
  // holds the 5 % goal (0.8 % measured), the short run guards against a real leak.
  assert.ok(r.rssGrowthPct <= (FULL ? 5 : 30), `RSS growth ${r.rssGrowthPct} % after warm-up`);
  // Every daemon fork blocked the loop 10–60 ms (fork of a ~250 MB process): espeak-ng is started
  // by the spawner helper, never by the daemon itself.
  assert.equal(r.espeakForkedByDaemon, 0, 'no espeak-ng forked by the daemon');
  // The goal is p99 ≤ 20 ms (`npm run bench -- soak`, ~20 ms measured over 2,000 turns); this loose
  // bound only catches a gross regression on a loaded shared machine (forking per segment gave ~90 ms).
  assert.ok(r.loopLagP99Ms <= 100, `event-loop lag p99 ${r.loopLagP99Ms} ms`);
});
