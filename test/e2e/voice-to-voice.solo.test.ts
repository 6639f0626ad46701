import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { median } from '../../benchmarks/lib/report.ts';
import { activeHistory } from './history-client.ts';
import { latencyRow } from './latency.ts';
import { Show, type VoiceTurnResult } from './show-harness.ts';

const TOKEN = 'e2e-admin';
const scripted = { ttftMs: 150, tokenDelayMs: 15, asrDelayMs: 30 };
let show: Show;
before(async () => {
  show = await Show.start({ ...scripted, env: { VTUBER_ADMIN_TOKEN: TOKEN } });
  // One unmeasured turn warms the JIT, the HTTP connection and espeak-ng's ready processes.
  await show.textTurn('warm-up');
});
after(() => show.stop());

const TURNS: Array<[string, string]> = [
  ['hello.wav', 'Hello there, how are you today?'],
  ['name-question.wav', 'What is your name, and where do you live?'],
  ['weather.wav', 'The weather is lovely today, let us go for a walk in the park.'],
  ['stream-greeting.wav', 'Good evening chat, welcome to the stream everyone.'],
  ['hello.wav', 'Hello there, how are you today?'],
  ['name-question.wav', 'What is your name, and where do you live?'],
  ['weather.wav', 'The weather is lovely today, let us go for a walk in the park.'],
];

test('voice to voice: fixture speech over the websocket gives, in order, the transcript, a reply, audio and history; the reply starts at the tentative pause; engine overhead p50 ≤ 10 ms', async () => {
  const results: VoiceTurnResult[] = [];
  for (const [file, transcript] of TURNS) results.push(await show.voiceTurn(file, transcript));

  const msgs = show.client.messages;
  for (const r of results) {
    assert.equal(r.summary.source, 'voice');
    assert.equal(r.summary.state, 'completed');
    const idx = (pred: (m: (typeof msgs)[number]) => boolean): number => msgs.findIndex(pred);
    const finalTranscript = idx((m) => m.type === 'transcript' && m.final === true && m.text === r.transcript);
    const start = idx((m) => m.type === 'turn-start' && m.turnId === r.turnId);
    const firstAudio = idx((m) => m.type === 'audio' && m.turnId === r.turnId);
    const end = idx((m) => m.type === 'turn-end' && m.turnId === r.turnId);
    assert.ok(finalTranscript >= 0 && finalTranscript < start, 'the final transcript comes before the turn');
    assert.ok(start < firstAudio && firstAudio < end, 'turn-start, then audio, then turn-end');
    assert.match(r.replyText, /you asked about/i);
    assert.doesNotMatch(r.replyText, /\[|\]/, 'no tags reach the subtitles');
    assert.ok(r.audioChunks > 0 && r.audioMs > 1000, `audio of plausible length (${r.audioMs} ms)`);
    const seqs = msgs.filter((m) => m.type === 'audio' && m.turnId === r.turnId).map((m) => Number(m.seq));
    assert.deepEqual(seqs, seqs.map((_, i) => i), 'audio chunks arrive strictly in order');
  }
  const starts = msgs.filter((m) => m.type === 'turn-start' && m.source === 'voice').map((m) => m.turnId);
  assert.deepEqual(starts, results.map((r) => r.turnId), 'one turn per utterance, in order');

  const history = await activeHistory(show.td.url, TOKEN);
  const userTexts = history.filter((m) => m.role === 'user').map((m) => m.text);
  for (const [, transcript] of TURNS) assert.ok(userTexts.some((t) => t.includes(transcript)), `history holds "${transcript}"`);
  assert.equal(history.filter((m) => m.role === 'assistant').length, TURNS.length + 1, 'a reply per utterance plus the warm-up');

  // Replies start at the VAD's tentative pause, before the hangover ends. Each fixture also pauses
  // at its comma; a transcript ending on a comma is mid-sentence, so no request is started there.
  const early = results.filter((r) => r.summary.marks.llm_prefetch !== undefined && (r.llmRequest?.receivedAt ?? Infinity) < (r.summary.marks.vad_end ?? 0));
  assert.ok(early.length >= Math.ceil(TURNS.length / 2), `the LLM request went out before the VAD end in ${early.length} of ${TURNS.length} turns`);
  assert.ok(show.pauses.length > TURNS.length, 'the VAD paused at the commas too');
  assert.equal(show.fake.requests.length, TURNS.length + 1, 'one LLM request per turn (and the warm-up): none for the comma pauses');

  // The decode made at the pause is the final one: each utterance is decoded whole exactly once.
  const wholeDecodes = show.asr.calls.filter((c) => TURNS.some(([, t]) => t === c.text)).length;
  assert.equal(wholeDecodes, TURNS.length, 'the end reuses the decode made at the tentative pause');

  const rows = results.map((r) => latencyRow(r, scripted));
  const overhead = median(rows.map((r) => r.overhead));
  const hangover = median(rows.map((r) => r.hangover));
  process.stdout.write(`# e2e: total p50 ${median(rows.map((r) => r.total))} ms, hangover p50 ${hangover} ms, overhead p50 ${overhead} ms, rows ${JSON.stringify(rows)}\n`);
  assert.ok(hangover < 500, `hangover p50 ${hangover} ms`);
  assert.ok(overhead <= 10, `engine overhead p50 ${overhead} ms exceeds 10 ms (rows: ${JSON.stringify(rows)})`);
});
