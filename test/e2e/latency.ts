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
  /** How long before the VAD's end the LLM request went out (started at a tentative pause); 0 if it did not. */
  llm_ahead: number;
  /** Total minus TTS synthesis and the longest chain of model times the turn waited on (see `latencyRow`). */
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
 *
 * The engine's overhead is the total minus the time spent waiting on models: TTS synthesis to its
 * first chunk, and the longer of two chains —
 * - through the VAD: the hangover, then whatever the ASR decode still needed after it, then (when
 *   the LLM was not started early) the LLM's time to the first clause;
 * - through the tentative pause (when the LLM was started early): speech end to the pause, the
 *   decode, and the LLM's time to the first clause.
 * Model times are as the fakes really produced them (their timers run late on a busy machine; that
 * lateness is theirs, not the engine's).
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
  const prefetchedAt = m.llm_prefetch;
  const k = tokensForSegment(r.llmReply, r.firstSegment);
  const req = r.llmRequest;
  const ttft = req?.firstTokenAt !== undefined ? req.firstTokenAt - req.receivedAt : scripted.ttftMs;
  const kth = req?.tokenTimes[k - 1];
  const tokenWait = kth !== undefined && req?.firstTokenAt !== undefined ? kth - req.firstTokenAt : Math.max(0, k - 1) * scripted.tokenDelayMs;
  const llmModel = ttft + tokenWait;
  const decode = r.asrDecode;
  const decodeMs = decode ? decode.endedAt - decode.startedAt : scripted.asrDelayMs;
  // The decode's time still to run once the VAD ended (all of it when it started there, none when it ran at a pause).
  const asrAfterVad = decode ? Math.max(0, decode.endedAt - Math.max(vadEnd, decode.startedAt)) : scripted.asrDelayMs;
  const hangover = vadEnd - r.speechEnd;
  const throughVad = hangover + asrAfterVad + (prefetchedAt === undefined ? llmModel : 0);
  const throughPause = prefetchedAt !== undefined && r.pauseAt !== undefined ? r.pauseAt - r.speechEnd + decodeMs + llmModel : 0;
  const row = {
    hangover,
    asr: asrFinal - vadEnd,
    llm_first_token: firstToken - asrFinal,
    first_clause: firstClause - firstToken,
    tts_first_audio: ttsFirst - firstClause,
    to_socket: sent - ttsFirst,
    total: sent - r.speechEnd,
    client_receive: r.firstAudioAtClient - sent,
    llm_ahead: prefetchedAt !== undefined ? Math.max(0, vadEnd - prefetchedAt) : 0,
  };
  const overhead = row.total - row.tts_first_audio - Math.max(throughVad, throughPause);
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
    llm_ahead: round(row.llm_ahead),
    overhead: round(overhead),
  };
}
