// `npm run bench -- e2e-logging [--turns N] [--rounds R]`
// What logging costs a turn: the e2e voice bench (real websocket, Silero VAD, agent, espeak-ng, fake
// LLM) run with the production logging (level info, JSON lines to the rotating files, access sink,
// no console) and with logging off (level silent), alternating in one run so load drifts alike.
import os from 'node:os';
import { measure } from './e2e.bench.ts';
import { median, writeResult, type BenchRow } from './lib/report.ts';
import type { LatencyRow } from '../test/e2e/latency.ts';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

interface Arm {
  rows: LatencyRow[];
  /** CPU time of this process (daemon, fake LLM and client alike) per measured turn (after the warm-up), ms. */
  cpuPerTurn: number[];
}

export async function main(args: string[]): Promise<void> {
  const turns = arg(args, '--turns', 12);
  const rounds = arg(args, '--rounds', 2);
  const scripted = { ttftMs: 300, tokenDelayMs: 20, asrDelayMs: 30 };
  const arms: Record<'info' | 'silent', Arm> = { info: { rows: [], cpuPerTurn: [] }, silent: { rows: [], cpuPerTurn: [] } };
  const incomplete: string[] = [];
  const load0 = os.loadavg()[0] ?? 0;
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always runs on the warmer (or busier) machine.
    const order: Array<'info' | 'silent'> = round % 2 === 0 ? ['silent', 'info'] : ['info', 'silent'];
    for (const level of order) {
      const stats = { cpuMs: 0 };
      const rows = await measure(turns, scripted, {}, `${level} round ${round + 1}`, incomplete, { logLevel: level, captureLogs: false }, stats);
      arms[level].rows.push(...rows);
      arms[level].cpuPerTurn.push(stats.cpuMs / Math.max(1, rows.length));
    }
  }
  const p50 = (arm: Arm, key: keyof LatencyRow): number => median(arm.rows.map((r) => r[key]));
  const rows: BenchRow[] = (['total', 'overhead', 'to_socket', 'tts_first_audio'] as const).map((key) => {
    const on = p50(arms.info, key);
    const off = p50(arms.silent, key);
    return { metric: `${key} p50 (ms)`, logging_info_to_file: +on.toFixed(2), logging_off: +off.toFixed(2), difference_ms: +(on - off).toFixed(2), ratio: +(on / off).toFixed(3) };
  });
  const cpuOn = median(arms.info.cpuPerTurn);
  const cpuOff = median(arms.silent.cpuPerTurn);
  rows.push({ metric: 'process CPU per turn (ms, median of runs)', logging_info_to_file: +cpuOn.toFixed(1), logging_off: +cpuOff.toFixed(1), difference_ms: +(cpuOn - cpuOff).toFixed(1), ratio: +(cpuOn / cpuOff).toFixed(3) });
  const totalRatio = p50(arms.info, 'total') / p50(arms.silent, 'total');
  const cpuRatio = cpuOn / cpuOff;
  writeResult({
    name: 'e2e-logging',
    description: `Logging overhead on the e2e voice bench: ${arms.info.rows.length} turns with production logging (level info, JSON to the rotating vtuber/access files, no console) against ${arms.silent.rows.length} with level silent, alternating in ${rounds} round(s) of ${turns} turns per arm. Medians.`,
    rows,
    goals: [
      { metric: 'speech end → first audio frame p50, logging on / off', goal: '< 1.03', value: +totalRatio.toFixed(3), met: totalRatio < 1.03 },
      { metric: 'process CPU per turn, logging on / off', goal: '< 1.03', value: +cpuRatio.toFixed(3), met: cpuRatio < 1.03 },
    ],
    notes: [
      `${incomplete.length} turn(s) not measured (first segment replaced by silence after the TTS deadline)${incomplete.length ? `: ${incomplete.join('; ')}` : ''}.`,
      'CPU per turn is this whole process (daemon, fake LLM server, websocket client) over the measured turns (start-up and warm-up excluded), divided by their number; the parts other than the daemon are the same in both arms, so the ratio understates the daemon-only share slightly.',
      `Load average (1 min) at the start: ${load0.toFixed(1)}, at the end: ${(os.loadavg()[0] ?? 0).toFixed(1)}, on ${os.cpus().length} cores shared with other jobs.`,
    ],
  });
}
