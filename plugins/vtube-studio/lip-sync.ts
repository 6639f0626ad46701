import type { BusEvents } from '../../src/core/bus-events.ts';

export interface ParameterValue {
  id: string;
  value: number;
}

export interface LipSyncOptions {
  rateHz: number;
  mouthParameter: string;
  gain: number;
  /** Emotion → MouthSmile while speaking. */
  smile: Readonly<Record<string, number>>;
  /** Sends one frame of parameter values (InjectParameterDataRequest). */
  inject(values: ParameterValue[]): void;
  /** The first chunk of a reply segment starts to be heard. */
  segmentHeard?(turnId: string, segment: number, emotion: string | undefined, motions: readonly string[]): void;
  /** Everything of a turn has been heard (or it was stopped). */
  turnHeard?(turnId: string): void;
  now?: () => number;
}

interface Chunk {
  turnId: string;
  seq: number;
  segment: number;
  start: number;
  end: number;
  envelope: readonly number[];
  envelopeMs: number;
}

interface TurnInfo {
  segments: Map<number, { emotion: string | undefined; motions: readonly string[] }>;
  heardSegments: Set<number>;
  synthesisDone: boolean;
}

/**
 * Drives the mouth from the reply's volume envelope in step with playback. Chunks play back to back from
 * their arrival, as the page's player does; a page's "chunk N ended" report re-anchors the clock. While
 * anything is playing, `rateHz` times a second the envelope value at the playback position goes out as
 * MouthOpen (and MouthSmile from the segment's emotion). When playback ends or the turn is stopped, one
 * closing frame (mouth 0) is sent and injection stops, so VTube Studio gives the mouth back to tracking.
 */
export class LipSync {
  private chunks: Chunk[] = [];
  private readonly turns = new Map<string, TurnInfo>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  frames = 0;

  constructor(private readonly opts: LipSyncOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  get speaking(): boolean {
    return this.timer !== undefined;
  }

  segment(seg: BusEvents['reply.segment']): void {
    this.turn(seg.turnId).segments.set(seg.index, { emotion: seg.emotion, motions: seg.motions ?? [] });
  }

  audio(a: BusEvents['reply.audio']): void {
    const now = this.now();
    const last = this.chunks[this.chunks.length - 1];
    const start = Math.max(now, last?.end ?? now);
    this.turn(a.turnId);
    this.chunks.push({ turnId: a.turnId, seq: a.seq, segment: a.segment, start, end: start + a.durationMs, envelope: a.envelope, envelopeMs: a.envelopeMs });
    this.ensureTicking();
  }

  /** The page reports chunk `seq` of a turn finished now: later chunks start from here. */
  playback(p: BusEvents['client.playback']): void {
    if (p.ended) {
      // The page finished (or its Stop button cut) this turn's audio.
      this.stopTurn(p.turnId);
      return;
    }
    const seq = p.seq;
    if (seq === undefined) return;
    const i = this.chunks.findIndex((c) => c.turnId === p.turnId && c.seq === seq + 1);
    if (i < 0) return;
    let at = this.now();
    for (let j = i; j < this.chunks.length; j++) {
      const c = this.chunks[j] as Chunk;
      const len = c.end - c.start;
      c.start = at;
      c.end = at + len;
      at = c.end;
    }
  }

  /** The turn produced all its audio; it is heard once playback passes its last chunk. */
  turnEnded(turnId: string): void {
    const t = this.turns.get(turnId);
    if (!t) return;
    t.synthesisDone = true;
    if (!this.chunks.some((c) => c.turnId === turnId)) this.dropTurn(turnId);
  }

  /** `audio-stop`: the page drops this turn's audio now, so the mouth closes now. */
  stopTurn(turnId: string): void {
    if (!this.turns.has(turnId) && !this.chunks.some((c) => c.turnId === turnId)) return;
    this.dropTurn(turnId);
    this.closeMouth();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.chunks = [];
    this.turns.clear();
  }

  /** The values for `now` (exported for the admin status and tests). */
  valuesAt(now: number): ParameterValue[] | undefined {
    const chunk = this.chunks.find((c) => c.start <= now && now < c.end);
    if (!chunk) return undefined;
    const index = Math.min(chunk.envelope.length - 1, Math.floor((now - chunk.start) / chunk.envelopeMs));
    const level = chunk.envelope[index] ?? 0;
    const values: ParameterValue[] = [{ id: this.opts.mouthParameter, value: Math.min(1, Math.round(level * this.opts.gain * 1000) / 1000) }];
    const emotion = this.emotionOf(chunk);
    const smile = emotion === undefined ? undefined : this.opts.smile[emotion];
    if (smile !== undefined) values.push({ id: 'MouthSmile', value: smile });
    return values;
  }

  private turn(turnId: string): TurnInfo {
    let t = this.turns.get(turnId);
    if (!t) {
      t = { segments: new Map(), heardSegments: new Set(), synthesisDone: false };
      this.turns.set(turnId, t);
      // Bounded: a turn whose end never came is forgotten after 20 newer ones.
      if (this.turns.size > 20) {
        const oldest = this.turns.keys().next().value;
        if (oldest !== undefined) this.turns.delete(oldest);
      }
    }
    return t;
  }

  /** The latest emotion set at or before the chunk's segment, within its turn. */
  private emotionOf(chunk: Chunk): string | undefined {
    const t = this.turns.get(chunk.turnId);
    if (!t) return undefined;
    let best: { index: number; emotion: string } | undefined;
    for (const [index, s] of t.segments) if (s.emotion !== undefined && index <= chunk.segment && (!best || index > best.index)) best = { index, emotion: s.emotion };
    return best?.emotion;
  }

  private ensureTicking(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), Math.round(1000 / this.opts.rateHz));
  }

  private tick(): void {
    const now = this.now();
    // Chunks already played: fire "segment heard" for the ones passed, forget them.
    while (this.chunks.length > 0 && (this.chunks[0] as Chunk).end <= now) {
      const done = this.chunks.shift() as Chunk;
      this.noteHeard(done);
      const t = this.turns.get(done.turnId);
      if (t?.synthesisDone && !this.chunks.some((c) => c.turnId === done.turnId)) this.dropTurn(done.turnId);
    }
    const current = this.chunks[0];
    if (current && current.start <= now) this.noteHeard(current);
    const values = this.valuesAt(now);
    if (values) {
      this.frames++;
      this.opts.inject(values);
      return;
    }
    if (this.chunks.length === 0) this.closeMouth();
    else this.opts.inject([{ id: this.opts.mouthParameter, value: 0 }]); // a gap between chunks
  }

  private noteHeard(chunk: Chunk): void {
    const t = this.turns.get(chunk.turnId);
    if (!t || t.heardSegments.has(chunk.segment)) return;
    t.heardSegments.add(chunk.segment);
    const s = t.segments.get(chunk.segment);
    this.opts.segmentHeard?.(chunk.turnId, chunk.segment, s?.emotion, s?.motions ?? []);
  }

  private dropTurn(turnId: string): void {
    this.chunks = this.chunks.filter((c) => c.turnId !== turnId);
    if (this.turns.delete(turnId)) this.opts.turnHeard?.(turnId);
  }

  private closeMouth(): void {
    const wasTicking = this.timer !== undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.chunks.length > 0) {
      this.ensureTicking();
      return;
    }
    if (wasTicking) this.opts.inject([{ id: this.opts.mouthParameter, value: 0 }]);
  }
}
