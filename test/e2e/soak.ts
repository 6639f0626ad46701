import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { descendantsOf } from '../helpers/process-tree.ts';
import { Show } from './show-harness.ts';

export interface SoakResult {
  turns: number;
  seconds: number;
  rssMbAtWarmup: number;
  rssMbAtEnd: number;
  rssGrowthPct: number;
  heapMbAtWarmup: number;
  heapMbAtEnd: number;
  loopLagP99Ms: number;
  loopLagMaxMs: number;
  fdsAtWarmup: number;
  fdsAtEnd: number;
  childrenAtWarmup: number;
  childrenAtEnd: number;
  /** espeak-ng processes whose parent is the daemon itself (should be 0: the spawner helper starts them). */
  espeakForkedByDaemon: number;
  errorLogs: number;
  kinds: Record<string, number>;
  stuckTurns: number;
}

/**
 * A full GC before each memory sample, so RSS and heap are compared in the same state. Without
 * `--expose-gc` (the bench runner) the flag is set at run time and `gc` taken from a fresh context.
 */
function fullGc(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const fds = (): number => readdirSync('/proc/self/fd').length;
/** Processes below the daemon: the spawner helper and the espeak-ng processes it started. */
const children = (): number => descendantsOf(process.pid).length;

const settle = async (show: Show): Promise<void> => {
  for (let i = 0; i < 600 && (show.td.daemon.input.size > 0 || show.td.daemon.turns.list().length > 0); i++) await new Promise((r) => setTimeout(r, 25));
};

/** Lets the last turn finish and espeak-ng's ready processes settle, so samples are comparable. */
const quiesce = async (show: Show): Promise<void> => {
  await settle(show);
  await new Promise((r) => setTimeout(r, 750));
};

/**
 * A compressed show: `turns` turns mixing typed input, chat bursts (batched by the agent), donation and
 * sub events and, every `voiceEvery` turns, real speech through the VAD. Samples memory, event-loop
 * lag, file descriptors and child processes after `warmup` turns and at the end.
 */
export async function runSoak(turns: number, opts: { warmup: number; voiceEvery: number; log?: (line: string) => void }): Promise<SoakResult> {
  const show = await Show.start({ ttftMs: 0, tokenDelayMs: 0, asrDelayMs: 5, logLevel: 'warn', config: { tts: { anti_repeat_window_ms: 0 } } });
  show.client.keepAudioData = false;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const gc = fullGc();
  const started = performance.now();
  let warm: { rss: number; heap: number; fds: number; children: number } | undefined;
  const kinds: Record<string, number> = {};
  const viewer = (i: number) => ({ id: `twitch:${1000 + (i % 37)}`, displayName: `viewer${i % 37}`, platform: 'twitch' as const });
  try {
    let i = 0;
    while (show.totalTurns < turns) {
      i++;
      if (i % opts.voiceEvery === 0) {
        await show.voiceTurn('hello.wav', 'Hello there, how are you today?');
      } else if (i % 9 === 0) {
        for (let k = 0; k < 12; k++) show.td.daemon.input.push({ kind: 'chat', text: `pog ${k} the stream is great ${i}`, user: viewer(i + k) });
        await settle(show);
      } else if (i % 13 === 0) {
        show.td.daemon.input.push({ kind: 'donation', text: `5 USD: keep it up ${i}`, user: viewer(i), amount: 5, currency: 'USD' });
        await settle(show);
      } else if (i % 17 === 0) {
        show.td.daemon.input.push({ kind: 'sub', text: `subscribed ${i}`, user: viewer(i), months: 1 });
        await settle(show);
      } else {
        await show.textTurn(`message number ${i}, tell me something fun`);
      }
      for (const t of show.turnsEnded) kinds[t.source] = (kinds[t.source] ?? 0) + 1;
      show.forget();
      if (!warm && show.totalTurns >= opts.warmup) {
        await quiesce(show);
        gc();
        const mem = process.memoryUsage();
        warm = { rss: mem.rss, heap: mem.heapUsed, fds: fds(), children: children() };
        lag.enable();
      }
      if (i % 100 === 0) opts.log?.(`soak: ${show.totalTurns}/${turns} turns, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
    }
    lag.disable();
    await quiesce(show);
    gc();
    const mem = process.memoryUsage();
    for (const t of show.turnsEnded) kinds[t.source] = (kinds[t.source] ?? 0) + 1;
    const w = warm ?? { rss: mem.rss, heap: mem.heapUsed, fds: fds(), children: children() };
    const mb = (b: number): number => Math.round((b / 1048576) * 10) / 10;
    return {
      turns: show.totalTurns,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      rssMbAtWarmup: mb(w.rss),
      rssMbAtEnd: mb(mem.rss),
      rssGrowthPct: Math.round(((mem.rss - w.rss) / w.rss) * 1000) / 10,
      heapMbAtWarmup: mb(w.heap),
      heapMbAtEnd: mb(mem.heapUsed),
      loopLagP99Ms: Math.round(lag.percentile(99) / 1e4) / 100,
      loopLagMaxMs: Math.round(lag.max / 1e4) / 100,
      fdsAtWarmup: w.fds,
      fdsAtEnd: fds(),
      childrenAtWarmup: w.children,
      childrenAtEnd: children(),
      espeakForkedByDaemon: descendantsOf(process.pid).filter((p) => p.ppid === process.pid && p.comm.startsWith('espeak')).length,
      errorLogs: show.td.logs().filter((l) => l.level === 'error' || l.level === 'fatal').length,
      kinds,
      stuckTurns: show.td.daemon.turns.list().length,
    };
  } finally {
    await show.stop();
  }
}
