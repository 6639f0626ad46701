import type { VoiceTurnResult } from './show-harness.ts';

/** One row of the voice-to-voice latency table, in ms. */
export interface LatencyRow {
  hangover: number;
  asr: number;
  llm_first_token: number;
  first_clause: number;
  tts_first_audio: number;
  to_socket: number;
  total: number;
  /** First audio frame written to the socket → parsed by the in-process test client (not in total). */
  client_receive: number;
  /** Total minus the model times (hangover, scripted ASR/LLM delays, TTS synthesis). */
  overhead: number;
}

export interface ScriptedTimes {
  asrDelayMs: number;
  ttftMs: number;
  tokenDelayMs: number;
}

/** How many streamed word tokens (the fake LLM's unit) it takes to complete `segment` of `reply`. */
export function tokensForSegment(reply: string, segment: string): number {
  const letters = (s: string): number => s.replace(/[^\p{L}\p{N}]/gu, '').length;
  const tokens = reply.match(/\S+\s*/g) ?? [];
  const want = letters(segment);
  let have = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = (tokens[i] as string).trim();
    if (!/^\[[^\]]*\]$/.test(t)) have += letters(t);
    if (have >= want) return i + 1;
  }
  return tokens.length;
}

/**
 * Splits one turn into the stages of the latency table, from the moment the speaker stops to the
 * first audio frame written to the avatar page's socket. Marks come from the daemon (same process,
 * same clock); speech end and arrival at the client are measured by the harness.
 */
export function latencyRow(r: VoiceTurnResult, scripted: ScriptedTimes): LatencyRow {
  const m = r.summary.marks;
  const need = (name: string): number => {
    const v = m[name];
    if (v === undefined) throw new Error(`turn ${r.turnId} has no ${name} mark (marks: ${Object.keys(m).join(', ')})`);
    return v;
  };
  const vadEnd = need('vad_end');
  const asrFinal = need('asr_final');
  const firstToken = need('llm_first_token');
  const firstClause = need('first_clause');
  const ttsFirst = need('tts_first_audio');
  const sent = need('first_audio_sent');
  // Model times as the fakes really produced them (their timers run late on a busy machine; that
  // lateness is theirs, not the engine's). Fall back to the scripted values when not recorded.
  const k = tokensForSegment(r.llmReply, r.firstSegment);
  const req = r.llmRequest;
  const ttft = req?.firstTokenAt !== undefined ? req.firstTokenAt - req.receivedAt : scripted.ttftMs;
  const kth = req?.tokenTimes[k - 1];
  const tokenWait = kth !== undefined && req?.firstTokenAt !== undefined ? kth - req.firstTokenAt : Math.max(0, k - 1) * scripted.tokenDelayMs;
  const asrModel = r.asrMs ?? scripted.asrDelayMs;
  const row = {
    hangover: vadEnd - r.speechEnd,
    asr: asrFinal - vadEnd,
    llm_first_token: firstToken - asrFinal,
    first_clause: firstClause - firstToken,
    tts_first_audio: ttsFirst - firstClause,
    to_socket: sent - ttsFirst,
    total: sent - r.speechEnd,
    client_receive: r.firstAudioAtClient - sent,
  };
  const overhead = row.asr - asrModel + (row.llm_first_token - ttft) + (row.first_clause - tokenWait) + row.to_socket;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    hangover: round(row.hangover),
    asr: round(row.asr),
    llm_first_token: round(row.llm_first_token),
    first_clause: round(row.first_clause),
    tts_first_audio: round(row.tts_first_audio),
    to_socket: round(row.to_socket),
    total: round(row.total),
    client_receive: round(row.client_receive),
    overhead: round(overhead),
  };
}
