import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { InputItem, InputKind } from './input.ts';

/** Named points in a turn's life, in milliseconds from `performance.now()`. */
export type TurnMark =
  | 'speech_end'
  | 'vad_end'
  | 'asr_final'
  | 'queued'
  | 'started'
  | 'llm_request'
  | 'llm_first_token'
  | 'first_clause'
  | 'tts_first_audio'
  | 'first_audio_sent'
  | 'llm_done'
  | 'tts_done'
  | 'ended';

export type TurnState = 'running' | 'completed' | 'interrupted' | 'failed';

export interface TurnSummary {
  turnId: string;
  source: InputKind;
  userId: string;
  state: TurnState;
  /** Durations between marks, in ms (e.g. `asr_final→llm_first_token`). */
  timings: Record<string, number>;
  /** Raw marks (`performance.now()` values) for in-process consumers such as benchmarks. */
  marks: Record<string, number>;
}

/**
 * One reply from input to last audio chunk. It owns an AbortController; each stage gets a child
 * signal, so aborting the turn (barge-in, shutdown) stops everything it started.
 */
export class Turn {
  readonly id: string;
  readonly input: InputItem;
  readonly marks = new Map<TurnMark | string, number>();
  private readonly controller = new AbortController();
  private stateValue: TurnState = 'running';

  constructor(input: InputItem, id: string = randomUUID()) {
    this.id = id;
    this.input = input;
    for (const [name, at] of Object.entries(input.timings ?? {})) this.marks.set(name, at);
    this.marks.set('queued', input.receivedAt);
    this.mark('started');
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get state(): TurnState {
    return this.stateValue;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** A signal for one stage: aborts with the turn, or on its own via the returned controller. */
  child(): AbortController {
    const child = new AbortController();
    if (this.signal.aborted) child.abort(this.signal.reason);
    else this.signal.addEventListener('abort', () => child.abort(this.signal.reason), { once: true });
    return child;
  }

  abort(reason: 'interrupted' | 'shutdown' | 'failed' = 'interrupted'): void {
    if (this.controller.signal.aborted) return;
    if (this.stateValue === 'running') this.stateValue = reason === 'failed' ? 'failed' : 'interrupted';
    const err = new Error(`turn ${reason}`);
    err.name = 'AbortError';
    this.controller.abort(err);
  }

  /** Records a mark once; later calls for the same mark keep the first time. */
  mark(name: TurnMark | string, at: number = performance.now()): void {
    if (!this.marks.has(name)) this.marks.set(name, at);
  }

  finish(state: Exclude<TurnState, 'running'> = 'completed'): void {
    if (this.stateValue === 'running') this.stateValue = state;
    this.mark('ended');
  }

  /** Durations between consecutive pipeline marks plus the total, rounded to 0.01 ms. */
  timings(): Record<string, number> {
    const order: string[] = ['speech_end', 'vad_end', 'asr_final', 'queued', 'started', 'llm_first_token', 'first_clause', 'tts_first_audio', 'first_audio_sent', 'ended'];
    const present = order.filter((m) => this.marks.has(m));
    const out: Record<string, number> = {};
    for (let i = 1; i < present.length; i++) {
      const a = present[i - 1] as string;
      const b = present[i] as string;
      out[`${a}→${b}`] = round((this.marks.get(b) as number) - (this.marks.get(a) as number));
    }
    const first = present[0];
    const last = present[present.length - 1];
    if (first && last) out.total = round((this.marks.get(last) as number) - (this.marks.get(first) as number));
    return out;
  }

  summary(): TurnSummary {
    return { turnId: this.id, source: this.input.kind, userId: this.input.user.id, state: this.stateValue, timings: this.timings(), marks: Object.fromEntries(this.marks) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
