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
 * Splits one turn into the stages of the latency table. Marks come from the daemon (same process,
 * same clock); speech end and first audio at the client are measured by the harness.
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
  const tokenWait = Math.max(0, tokensForSegment(r.llmReply, r.firstSegment) - 1) * scripted.tokenDelayMs;
  const row = {
    hangover: vadEnd - r.speechEnd,
    asr: asrFinal - vadEnd,
    llm_first_token: firstToken - asrFinal,
    first_clause: firstClause - firstToken,
    tts_first_audio: ttsFirst - firstClause,
    to_socket: r.firstAudioAtClient - ttsFirst,
    total: r.firstAudioAtClient - r.speechEnd,
  };
  const overhead = row.asr - scripted.asrDelayMs + (row.llm_first_token - scripted.ttftMs) + (row.first_clause - tokenWait) + row.to_socket;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    hangover: round(row.hangover),
    asr: round(row.asr),
    llm_first_token: round(row.llm_first_token),
    first_clause: round(row.first_clause),
    tts_first_audio: round(row.tts_first_audio),
    to_socket: round(row.to_socket),
    total: round(row.total),
    overhead: round(overhead),
  };
}
