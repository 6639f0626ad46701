// `npm run bench -- character-switch [--switches N]`
// Live character switches on a real daemon (real websocket, espeak-ng TTS, SQLite history, the agent's
// turn manager; the LLM is the scripted in-process provider), alternating between an English and a
// Russian character: idle, and while a reply is playing. Times are from the admin POST to what a page sees.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgentStage } from '../src/agent/agent-stage.ts';
import { ttsStage } from '../src/tts/index.ts';
import { ScriptedProvider } from '../test/agent/scripted-provider.ts';
import { startTestDaemon, type TestDaemon } from '../test/helpers/test-daemon.ts';
import { TestClient } from '../test/helpers/ws-client.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const TOKEN = 'bench-switch-token';
const CHARACTERS: Record<string, string[]> = {
  aria: ['display_name: Aria', 'language: en', 'greeting: "Hi, Aria here."', 'voice:', '  engines: [espeak]', '  espeak: { voice: en-us }'],
  lena: ['display_name: Лена', 'language: ru', 'greeting: "Привет, это Лена."', 'voice:', '  engines: [espeak]', '  espeak: { voice: ru }', 'live2d: { model: haru }'],
};

interface SwitchTimes {
  route_ms: number;
  engine_ms: number;
  page_notified_ms: number;
  greeting_audio_ms: number;
  audio_stop_ms?: number;
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

async function waitIdle(td: TestDaemon): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (td.daemon.turns.list().length > 0 || td.daemon.input.size > 0) {
    if (Date.now() > deadline) throw new Error('daemon still busy after 30 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One switch to `name`; with `midReply`, while a reply to a typed line is playing. */
async function switchOnce(td: TestDaemon, viewer: TestClient, llm: ScriptedProvider, name: string, midReply: boolean): Promise<SwitchTimes> {
  await waitIdle(td);
  const from = viewer.messages.length;
  let playing: string | undefined;
  if (midReply) {
    llm.script({ chunks: ['Here is a long story about the stream, ', 'with many sentences to speak. ', 'It goes on and on.'], tokenDelayMs: 60 });
    viewer.send({ type: 'text-input', text: 'tell me a story' });
    const start = await viewer.waitFor((m) => m.type === 'turn-start', 10_000, from);
    playing = String(start.turnId);
    await viewer.waitFor((m) => m.type === 'audio' && m.turnId === playing, 15_000, from);
  }
  const mark = viewer.messages.length;
  const t0 = performance.now();
  const res = await fetch(`${td.url}/admin/characters/active`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, queue: 'keep' }) });
  const route = performance.now() - t0;
  const body = (await res.json()) as { ms?: number };
  if (res.status !== 200) throw new Error(`switch to ${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
  const at = (i: number): number => (viewer.receivedAt[i] ?? Number.NaN) - t0;
  await viewer.waitFor((m) => m.type === 'character' && m.name === name, 5000, mark);
  const notified = viewer.messages.findIndex((m, i) => i >= mark && m.type === 'character');
  const greetStart = await viewer.waitFor((m) => m.type === 'turn-start' && m.turnId !== playing, 15_000, mark);
  await viewer.waitFor((m) => m.type === 'audio' && m.turnId === greetStart.turnId, 15_000, mark);
  const firstAudio = viewer.messages.findIndex((m, i) => i >= mark && m.type === 'audio' && m.turnId === greetStart.turnId);
  const stopIndex = playing === undefined ? -1 : viewer.messages.findIndex((m, i) => i >= from && m.type === 'audio-stop' && m.turnId === playing);
  return {
    route_ms: route,
    engine_ms: body.ms ?? Number.NaN,
    page_notified_ms: at(notified),
    greeting_audio_ms: at(firstAudio),
    ...(stopIndex >= 0 ? { audio_stop_ms: at(stopIndex) } : {}),
  };
}

function row(mode: string, runs: SwitchTimes[]): BenchRow[] {
  const cols: Array<[keyof SwitchTimes, string]> = [
    ['route_ms', 'POST /admin/characters/active answered'],
    ['engine_ms', 'switch inside the daemon (prepare → commit → resume)'],
    ['page_notified_ms', '`character` message at the page'],
    ['greeting_audio_ms', 'first audio of the new greeting at the page'],
    ['audio_stop_ms', '`audio-stop` of the playing reply at the page'],
  ];
  return cols.flatMap(([key, stage]) => {
    const values = runs.map((r) => r[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return values.length === 0 ? [] : [{ mode, stage, runs: values.length, p50_ms: median(values), p95_ms: percentile(values, 95), max_ms: Math.max(...values) }];
  });
}

export async function main(args: string[]): Promise<void> {
  const switches = arg(args, '--switches', 10);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-switch-'));
  for (const [name, lines] of Object.entries(CHARACTERS)) writeFileSync(path.join(dir, `${name}.yaml`), `${lines.join('\n')}\n`);
  const llm = new ScriptedProvider([], { chunks: ['Okay.'] });
  const td = await startTestDaemon({
    config: 'active_character: aria\ntts: { first_audio_timeout_ms: 15000 }\n',
    env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_CHARACTERS_DIR: dir },
    stages: [ttsStage, createAgentStage({ llm: () => ({ provider: llm }) })],
    logLevel: 'warn',
  });
  const viewer = await TestClient.connect(td.wsUrl);
  const idle: SwitchTimes[] = [];
  const busy: SwitchTimes[] = [];
  try {
    // Warm-up: espeak-ng's ready processes for both voices, JIT, the first history switch.
    await switchOnce(td, viewer, llm, 'lena', false);
    await switchOnce(td, viewer, llm, 'aria', false);
    for (let i = 0; i < switches; i++) idle.push(await switchOnce(td, viewer, llm, i % 2 === 0 ? 'lena' : 'aria', false));
    for (let i = 0; i < switches; i++) busy.push(await switchOnce(td, viewer, llm, i % 2 === 0 ? 'lena' : 'aria', true));
  } finally {
    await viewer.close();
    await td.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const stopP50 = median(busy.flatMap((r) => (r.audio_stop_ms === undefined ? [] : [r.audio_stop_ms])));
  writeResult({
    name: 'character-switch',
    description: `${switches} live switches per mode between an English (espeak-ng en-us) and a Russian (espeak-ng ru) character on a real daemon (websocket, SQLite history, agent turn manager, scripted LLM): idle, and while a reply is playing. Times from sending the admin POST to what a page receives.`,
    rows: [...row('idle', idle), ...row('mid-reply', busy)],
    goals: [
      { metric: 'mid-reply: playing audio stopped at the page, p50', goal: '≤ 100 ms (the barge-in budget the e2e tests hold)', value: stopP50, met: stopP50 <= 100 },
    ],
    notes: ['The switch is prepared (file and every stage checked) before the running turn is touched, so a refused switch costs the show nothing; see docs/characters.md.'],
  });
}
