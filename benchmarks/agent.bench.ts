import { performance } from 'node:perf_hooks';
import { createAgentStage } from '../src/agent/agent-stage.ts';
import type { ReplySegment, SpeakResult, SpeechOutput } from '../src/core/speech.ts';
import type { Turn } from '../src/core/turn.ts';
import { startFakeOpenAiServer } from '../test/fakes/fake-openai-server.ts';
import { startTestDaemon } from '../test/helpers/test-daemon.ts';
import { median, percentile, writeResult } from './lib/report.ts';

/**
 * Time from an input entering the queue to the first clause handed to TTS, against the fake
 * OpenAI server (real HTTP + SSE) with a fixed TTFT. A speech service records when each first
 * segment arrives. The engine's own share is that time minus the scripted TTFT and token delays.
 */
export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 40);
  const ttftMs = 100;
  const tokenDelayMs = 10;
  // The first token carries a whole first clause (with its trailing space), so the cut happens on it.
  const tokens = ['Oh hey there, ', 'it ', 'is ', 'great ', 'to ', 'see ', 'you ', 'again!'];
  const fake = await startFakeOpenAiServer();
  fake.defaultReply = { tokens, ttftMs, tokenDelayMs };
  const firstSegmentAt = new Map<string, number>();
  const speech: SpeechOutput = {
    async speak(turn: Turn, segments: AsyncIterable<ReplySegment>): Promise<SpeakResult> {
      let n = 0;
      for await (const seg of segments) {
        if (n === 0) firstSegmentAt.set(turn.id, performance.now());
        n++;
        void seg;
      }
      return { segmentsSent: n, audioMs: 0 };
    },
  };
  const d = await startTestDaemon({
    config: { character: { greeting: '', llm: { providers: [{ type: 'openai', id: 'fake', base_url: fake.baseUrl, model: 'fake-model' }] } } },
    stages: [createAgentStage()],
    logLevel: 'warn',
  });
  d.daemon.services.provide('speech', speech);
  const totals: number[] = [];
  const engine: number[] = [];
  const toRequest: number[] = [];
  const toLlmCall: number[] = [];
  const turnObjects = new Map<string, Turn>();
  d.daemon.bus.on('turn.started', (t) => {
    const turn = d.daemon.turns.get(t.turnId);
    if (turn) turnObjects.set(t.turnId, turn);
  });
  try {
    for (let i = 0; i < runs + 3; i++) {
      const ended = d.daemon.bus.waitFor('turn.ended', { timeoutMs: 10_000 });
      const item = d.daemon.input.push({ kind: 'text', text: `hello ${i}`, user: { id: 'local:streamer', displayName: 'Streamer', platform: 'local' } });
      const summary = await ended;
      const at = firstSegmentAt.get(summary.turnId);
      if (at === undefined || i < 3) continue; // warm-up
      const total = at - item.receivedAt;
      const req = fake.requests[fake.requests.length - 1];
      totals.push(total);
      if (!req || req.firstTokenAt === undefined) continue;
      toRequest.push(req.receivedAt - item.receivedAt);
      const llmAt = turnObjects.get(summary.turnId)?.marks.get('llm_request');
      if (llmAt !== undefined) toLlmCall.push(llmAt - item.receivedAt);
      // Engine share: before the request reached the server, plus from the first token's send to the hand-off.
      engine.push(req.receivedAt - item.receivedAt + (at - req.firstTokenAt));
    }
  } finally {
    await d.stop();
    await fake.close();
  }
  const handOff = engine.map((e, i) => e - (toRequest[i] ?? 0));
  const agentOwn = toLlmCall.map((v, i) => v + (handOff[i] ?? 0));
  const row = (name: string, v: number[]) => ({ metric: name, p50_ms: median(v), p95_ms: percentile(v, 95), min_ms: Math.min(...v), runs: v.length });
  writeResult({
    name: 'agent',
    description: `Input queued → first clause handed to TTS, fake OpenAI server over HTTP+SSE with TTFT ${ttftMs} ms; the first token holds the first clause. Engine share = (request received by the server − input queued) + (first clause handed to TTS − first token sent by the server), i.e. total minus the scripted TTFT, measured on one clock; it includes loopback HTTP and SSE parsing.`,
    rows: [row('input → first clause (total)', totals), row('engine share', engine), row('input → request at server', toRequest), row('input → LLM call started (prompt built, history stored)', toLlmCall), row('first token sent → first clause handed', handOff), row('agent own share (queue, prompt, history, segmenter, tags)', agentOwn)],
    goals: [
      { metric: 'agent own share p50', goal: '≤ 3 ms', value: Math.round(median(agentOwn) * 100) / 100, met: median(agentOwn) <= 3 },
      { metric: 'engine share incl. HTTP client p50', goal: '≤ 3 ms', value: Math.round(median(engine) * 100) / 100, met: median(engine) <= 3 },
    ],
    notes: ['The gap between "LLM call started" and "request at server" is the HTTP client (provider chain, node:http, loopback) and event-loop scheduling.'],
  });
}
