// `npm run bench -- soak [--turns N]`: the compressed show (default 2,000 turns), as in test/e2e/soak.test.ts.
import { writeResult } from './lib/report.ts';
import { runSoak } from '../test/e2e/soak.ts';

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--turns');
  const turns = i >= 0 ? Number(args[i + 1]) : 2000;
  const r = await runSoak(turns, { warmup: Math.min(200, Math.round(turns / 10)), voiceEvery: 97, log: (l) => process.stderr.write(`${l}\n`) });
  writeResult({
    name: 'soak',
    description: `A compressed show of ${r.turns} turns (typed input, chat bursts batched by the agent, donations, subs and real speech through the VAD) with the fake LLM at zero delay and espeak-ng, in ${r.seconds} s. Figures after warm-up (turn ${Math.min(200, Math.round(turns / 10))}) against the end.`,
    rows: [
      { metric: 'RSS (MB)', after_warmup: r.rssMbAtWarmup, at_end: r.rssMbAtEnd },
      { metric: 'heap used (MB)', after_warmup: r.heapMbAtWarmup, at_end: r.heapMbAtEnd },
      { metric: 'file descriptors', after_warmup: r.fdsAtWarmup, at_end: r.fdsAtEnd },
      { metric: 'child processes', after_warmup: r.childrenAtWarmup, at_end: r.childrenAtEnd },
    ],
    goals: [
      { metric: 'RSS growth after warm-up', goal: '≤ 5 %', value: r.rssGrowthPct, met: r.rssGrowthPct <= 5 },
      { metric: 'event-loop lag p99', goal: '≤ 20 ms', value: r.loopLagP99Ms, met: r.loopLagP99Ms <= 20 },
      { metric: 'error-level log lines', goal: '0', value: r.errorLogs, met: r.errorLogs === 0 },
      { metric: 'stuck turns', goal: '0', value: r.stuckTurns, met: r.stuckTurns === 0 },
    ],
    notes: [`turns by kind: ${JSON.stringify(r.kinds)}`, `event-loop lag max ${r.loopLagMaxMs} ms`, `espeak-ng processes forked by the daemon itself: ${r.espeakForkedByDaemon} (they are started by the spawner helper)`],
  });
}
