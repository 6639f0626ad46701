import type { BusEvents } from '../../src/core/bus-events.ts';

type Segment = BusEvents['reply.segment'];

interface Chunk {
  segment: number;
  durationMs: number;
  arrivedAt: number;
}

interface TurnPlayback {
  segments: Map<number, Segment>;
  fired: Set<number>;
  chunks: Map<number, Chunk>;
  /** Chunk `seq` starts playing at `at` (the first chunk's arrival, or the last reported chunk end). */
  anchor: { seq: number; at: number } | undefined;
  synthesisDone: boolean;
  timer: NodeJS.Timeout | undefined;
}

export interface PlaybackFollowerHooks {
  /** A segment starts to be heard. */
  segment(seg: Segment): void;
  /** The turn's last segment finished playing (or the turn was interrupted). */
  end(turnId: string): void;
}

/**
 * Follows what the listener hears rather than what was synthesized. Start times are estimated from
 * the audio durations (chunks play back to back from the first one's arrival); a page's playback
 * report ("chunk N ended now") re-anchors the estimate, so a slow or paused player is followed.
 */
export class PlaybackFollower {
  private readonly turns = new Map<string, TurnPlayback>();
  /** Recently finished turns, so a late turn end does not clear twice. */
  private readonly finished: string[] = [];

  constructor(
    private readonly hooks: PlaybackFollowerHooks,
    private readonly now: () => number = () => performance.now(),
  ) {}

  segment(seg: Segment): void {
    const t = this.turn(seg.turnId);
    t.segments.set(seg.index, seg);
    this.update(seg.turnId, t);
  }

  audio(a: BusEvents['reply.audio']): void {
    const t = this.turn(a.turnId);
    const arrivedAt = this.now();
    t.chunks.set(a.seq, { segment: a.segment, durationMs: a.durationMs, arrivedAt });
    t.anchor ??= { seq: a.seq, at: arrivedAt };
    this.update(a.turnId, t);
  }

  playback(p: BusEvents['client.playback']): void {
    const t = this.turns.get(p.turnId);
    if (!t) return;
    if (p.ended) {
      this.finish(p.turnId, t, false);
      return;
    }
    if (p.seq === undefined) return;
    // The first report wins; a second page reporting the same chunk later does not move the clock back.
    if (t.anchor && p.seq + 1 <= t.anchor.seq) return;
    t.anchor = { seq: p.seq + 1, at: this.now() };
    this.update(p.turnId, t);
  }

  /** Synthesis ended; an interrupted turn clears at once. */
  turnEnded(turnId: string, interrupted: boolean): void {
    const t = this.turns.get(turnId);
    if (!t) {
      if (!this.finished.includes(turnId)) this.hooks.end(turnId);
      return;
    }
    t.synthesisDone = true;
    if (interrupted) this.finish(turnId, t, true);
    else this.update(turnId, t);
  }

  /** A barge-in or stop request: whatever is playing is cut, so clear now. */
  interruptAll(): void {
    for (const [turnId, t] of [...this.turns]) this.finish(turnId, t, true);
  }

  stop(): void {
    for (const t of this.turns.values()) clearTimeout(t.timer);
    this.turns.clear();
  }

  private turn(turnId: string): TurnPlayback {
    let t = this.turns.get(turnId);
    if (!t) {
      if (this.finished.includes(turnId)) return { segments: new Map(), fired: new Set(), chunks: new Map(), anchor: undefined, synthesisDone: false, timer: undefined };
      t = { segments: new Map(), fired: new Set(), chunks: new Map(), anchor: undefined, synthesisDone: false, timer: undefined };
      this.turns.set(turnId, t);
    }
    return t;
  }

  private finish(turnId: string, t: TurnPlayback, interrupted: boolean): void {
    clearTimeout(t.timer);
    this.turns.delete(turnId);
    this.finished.push(turnId);
    if (this.finished.length > 20) this.finished.shift();
    if (!interrupted) for (const seg of [...t.segments.values()].sort((a, b) => a.index - b.index)) if (!t.fired.has(seg.index)) this.hooks.segment(seg);
    this.hooks.end(turnId);
  }

  /** Estimates when each unfired segment starts, fires those due, and sleeps until the next one. */
  private update(turnId: string, t: TurnPlayback): void {
    clearTimeout(t.timer);
    t.timer = undefined;
    const now = this.now();
    const starts = new Map<number, number>();
    let playEnd: number | undefined;
    if (t.anchor) {
      let at = t.anchor.at;
      for (let seq = t.anchor.seq; ; seq++) {
        const c = t.chunks.get(seq);
        if (!c) break;
        at = Math.max(at, c.arrivedAt);
        if (!starts.has(c.segment)) starts.set(c.segment, at);
        at += c.durationMs;
      }
      playEnd = at;
      // Segments whose chunks were already played (before the anchor) start "now or earlier".
      for (const [seq, c] of t.chunks) if (seq < t.anchor.seq && !starts.has(c.segment)) starts.set(c.segment, now);
    }
    let next = Number.POSITIVE_INFINITY;
    const pending = [...t.segments.values()].filter((s) => !t.fired.has(s.index)).sort((a, b) => a.index - b.index);
    for (const seg of pending) {
      // A segment with no audio yet (a skipped repeat) starts when a later segment's audio does.
      let start = starts.get(seg.index);
      if (start === undefined) for (const [idx, at] of starts) if (idx > seg.index) start = Math.min(start ?? at, at);
      if (start === undefined) break;
      if (start <= now + 5) {
        t.fired.add(seg.index);
        this.hooks.segment(seg);
      } else {
        next = Math.min(next, start);
        break;
      }
    }
    if (t.synthesisDone && next === Number.POSITIVE_INFINITY) {
      const end = playEnd ?? now;
      if (end <= now + 5) {
        this.finish(turnId, t, false);
        return;
      }
      next = end;
    }
    if (next !== Number.POSITIVE_INFINITY) {
      t.timer = setTimeout(() => this.update(turnId, t), Math.max(0, next - now));
      t.timer.unref();
    }
  }
}
