// `npm run bench -- e2e [--turns N] [--ttft MS] [--token-ms MS] [--asr-ms MS]`
// Voice to voice: fixture WAVs streamed at real-time pace over the websocket into the real daemon
// (Silero VAD, agent, espeak-ng TTS, SQLite history), with the scripted test ASR engine and the fake
// OpenAI-compatible LLM; latency from the end of speech to the first audio frame at the client.
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';
import { latencyRow, type LatencyRow } from '../test/e2e/latency.ts';
import { Show } from '../test/e2e/show-harness.ts';

const FIXTURES: Array<[string, string]> = [
  ['hello.wav', 'Hello there, how are you today?'],
  ['name-question.wav', 'What is your name, and where do you live?'],
  ['weather.wav', 'The weather is lovely today, let us go for a walk in the park.'],
  ['stream-greeting.wav', 'Good evening chat, welcome to the stream everyone.'],
];

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

export async function main(args: string[]): Promise<void> {
  const turns = arg(args, '--turns', 20);
  const scripted = { ttftMs: arg(args, '--ttft', 300), tokenDelayMs: arg(args, '--token-ms', 20), asrDelayMs: arg(args, '--asr-ms', 30) };
  const show = await Show.start({ ...scripted, config: { logging: { level: 'warn' } } });
  const rows: LatencyRow[] = [];
  try {
    await show.textTurn('warm-up'); // not measured: JIT, HTTP connection, espeak-ng's ready processes
    for (let i = 0; i < turns; i++) {
      const [file, transcript] = FIXTURES[i % FIXTURES.length] as [string, string];
      const r = await show.voiceTurn(file, transcript);
      rows.push(latencyRow(r, scripted));
      process.stderr.write(`turn ${i + 1}/${turns}: total ${rows.at(-1)?.total} ms, overhead ${rows.at(-1)?.overhead} ms\n`);
    }
  } finally {
    await show.stop();
  }
  const cols = Object.keys(rows[0] ?? {}) as Array<keyof LatencyRow>;
  const table: BenchRow[] = cols.map((c) => ({
    stage: STAGE_NAMES[c],
    p50_ms: median(rows.map((r) => r[c])),
    p95_ms: percentile(rows.map((r) => r[c]), 95),
  }));
  const overheadP50 = median(rows.map((r) => r.overhead));
  const totalP50 = median(rows.map((r) => r.total));
  writeResult({
    name: 'e2e',
    description: `Voice to voice over ${rows.length} turns: speech end (last audible sample sent) to the first audio frame written to the client's websocket. Scripted model times: ASR ${scripted.asrDelayMs} ms (test engine), LLM TTFT ${scripted.ttftMs} ms and ${scripted.tokenDelayMs} ms per token (fake OpenAI server); real Silero VAD (300 ms hangover) and espeak-ng.`,
    rows: table,
    goals: [
      { metric: 'engine overhead p50', goal: '≤ 3 ms', value: overheadP50, met: overheadP50 <= 3 },
      { metric: 'total p50', goal: '≤ 600 ms', value: totalP50, met: totalP50 <= 600 },
    ],
    notes: [
      'overhead = total − hangover − ASR time − LLM time to first token − token pacing up to the first clause − espeak-ng synthesis to its first chunk (model times as the fakes actually produced them)',
      'Open-LLM-VTuber waits about 1.1 s of silence before it even starts ASR; here the hangover is the VAD’s 300 ms minimum silence.',
    ],
  });
}

const STAGE_NAMES: Record<keyof LatencyRow, string> = {
  hangover: 'speech end → VAD end (hangover)',
  asr: 'VAD end → ASR final',
  llm_first_token: 'ASR final → LLM first token',
  first_clause: 'first token → first clause',
  tts_first_audio: 'first clause → TTS first audio',
  to_socket: 'TTS first audio → first audio frame on the socket',
  total: 'total (speech end → first audio frame on the socket)',
  client_receive: '(socket → parsed by the in-process client; not in total)',
  overhead: 'engine overhead',
};
