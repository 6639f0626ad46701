import type { ReplySegment } from '../core/speech.ts';
import type { Prosody } from './engine.ts';

export type ProsodyDelta = Partial<Prosody>;

const LIMITS: Readonly<Record<keyof Prosody, readonly [number, number]>> = { rate: [0.5, 2], pitch: [0.5, 2], volume: [0, 2] };

function clamp(key: keyof Prosody, v: number): number {
  const [lo, hi] = LIMITS[key];
  return Math.round(Math.min(hi, Math.max(lo, v)) * 1000) / 1000;
}

/**
 * Prosody within one turn. A segment's `prosody` deltas carry over to every later segment; its
 * emotion stays active (with that emotion's prosody change) until a segment names another one.
 */
export class ProsodyTracker {
  private carried: Prosody = { rate: 0, pitch: 0, volume: 0 };
  private emotion: string | undefined;
  private emotionScale = 1;

  constructor(
    private readonly base: Readonly<Prosody>,
    private readonly emotions: Readonly<Record<string, ProsodyDelta>>,
  ) {}

  /** The prosody for `segment`, updating the carried state first. */
  next(segment: Pick<ReplySegment, 'emotion' | 'prosody'>): Prosody {
    if (segment.emotion) {
      this.emotion = segment.emotion.name.toLowerCase();
      this.emotionScale = segment.emotion.intensity ?? 1;
    }
    const d = segment.prosody;
    if (d) {
      this.carried = {
        rate: this.carried.rate + (d.rate ?? 0),
        pitch: this.carried.pitch + (d.pitch ?? 0),
        volume: this.carried.volume + (d.volume ?? 0),
      };
    }
    const e = this.emotion ? this.emotions[this.emotion] : undefined;
    const scale = this.emotionScale;
    return {
      rate: clamp('rate', this.base.rate + this.carried.rate + (e?.rate ?? 0) * scale),
      pitch: clamp('pitch', this.base.pitch + this.carried.pitch + (e?.pitch ?? 0) * scale),
      volume: clamp('volume', this.base.volume + this.carried.volume + (e?.volume ?? 0) * scale),
    };
  }
}

/** Signed percentage for SSML-style engines: 1.1 → "+10%". */
export function percent(multiplier: number): string {
  const p = Math.round((multiplier - 1) * 100);
  return `${p >= 0 ? '+' : ''}${p}%`;
}

/** Stable cache-key form of a prosody. */
export function prosodyKey(p: Prosody): string {
  return `${p.rate.toFixed(3)}/${p.pitch.toFixed(3)}/${p.volume.toFixed(3)}`;
}
