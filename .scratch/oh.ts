import { Show } from '../test/e2e/show-harness.ts';
import { tokensForSegment } from '../test/e2e/latency.ts';
const show = await Show.start({ ttftMs: 300, tokenDelayMs: 20, asrDelayMs: 30, config: { logging: { level: 'warn' } } });
const tent: number[] = [];
show.td.daemon.bus.on('asr.tentative', (e) => tent.push(e.at));
await show.textTurn('warm-up');
for (let i = 0; i < 8; i++) {
  const t0 = tent.length;
  const r = await show.voiceTurn(i % 2 ? 'hello.wav' : 'weather.wav', i % 2 ? 'Hello there, how are you today?' : 'The weather is lovely today, let us go for a walk in the park.');
  const m = r.summary.marks;
  const req = r.llmRequest!;
  const k = tokensForSegment(r.llmReply, r.firstSegment);
  const tk = req.tokenTimes[k - 1]!;
  const d = r.asrDecode!;
  const tentAt = tent.slice(t0).at(-1)!;
  console.log(JSON.stringify({
    decode_to_tentative: +(tentAt - d.endedAt).toFixed(2),
    tentative_to_req: +(req.receivedAt - tentAt).toFixed(2),
    prefetch_mark_to_req: +(req.receivedAt - (m.llm_prefetch ?? NaN)).toFixed(2),
    kth_to_clause: +(m.first_clause! - tk).toFixed(2),
    vad_end_vs_tk: +(m.vad_end! - tk).toFixed(1),
    clause_to_tts: +(m.tts_first_audio! - m.first_clause!).toFixed(2),
    tts_to_sent: +(m.first_audio_sent! - m.tts_first_audio!).toFixed(2),
  }));
}
await show.stop();
