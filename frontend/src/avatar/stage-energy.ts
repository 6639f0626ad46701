import type { StageCueName } from '../../../src/live2d/avatar-vocabulary.ts';
import type { FaceVector } from './face-params.ts';

/** A continuous idle layer: offsets at time `t` (seconds since the cue), before fading. */
type IdleLayer = (t: number) => FaceVector & { bounceY?: number };

const wave = (t: number, hz: number, phase = 0): number => Math.sin(2 * Math.PI * hz * t + phase);

/**
 * What each stage cue does to the idle movement. `hype`: a lively sway and bounce with a brighter
 * face; `calm`: no sway, softer eyes and a slightly lowered head. Typed by the shared vocabulary, so a cue added
 * there needs an entry here.
 */
export const STAGE_LAYERS: Readonly<Record<StageCueName, IdleLayer>> = {
  hype: (t) => ({ angleZ: 8 * wave(t, 0.9), angleX: 6 * wave(t, 0.45, 1), bodyX: 6 * wave(t, 0.9, 0.6), bodyZ: 4 * wave(t, 0.9, 0.3), bounceY: -0.6 * Math.abs(wave(t, 1.8)), eyeSmile: 0.35, sparkle: 0.6 }),
  // No sway at all: even a degree of head sway keeps long hair (physics) swinging.
  calm: () => ({ eyeOpen: -0.3, eyeSmile: 0.25, browY: -0.1, angleY: -3 }),
};

const FADE_MS = 600;

/**
 * The current stage cue's idle layer: fades in when a cue arrives, lasts `holdMs`, then fades out
 * (back to the model's ordinary idle). A new cue replaces the old one, which fades out meanwhile.
 */
export class StageEnergy {
  private cue: { name: StageCueName; start: number } | undefined;
  private previous: { name: StageCueName; start: number; endAt: number } | undefined;

  constructor(private readonly holdMs: number) {}

  get current(): StageCueName | 'normal' {
    return this.cue?.name ?? 'normal';
  }

  set(name: StageCueName, now: number): void {
    if (this.cue) this.previous = { ...this.cue, endAt: now };
    this.cue = { name, start: now };
  }

  clear(): void {
    this.cue = undefined;
    this.previous = undefined;
  }

  sample(now: number): FaceVector & { bounceY: number } {
    const out: FaceVector & { bounceY: number } = { bounceY: 0 };
    const prev = this.previous;
    if (prev) {
      const gain = Math.min(1, (now - prev.start) / FADE_MS) * (1 - (now - prev.endAt) / FADE_MS);
      if (gain > 0) add(out, STAGE_LAYERS[prev.name]((now - prev.start) / 1000), gain);
      else this.previous = undefined;
    }
    const cue = this.cue;
    if (!cue) return out;
    const age = now - cue.start;
    if (age >= this.holdMs) {
      // Already faded out over its last FADE_MS.
      this.cue = undefined;
      return out;
    }
    add(out, STAGE_LAYERS[cue.name](age / 1000), Math.min(1, age / FADE_MS, (this.holdMs - age) / FADE_MS));
    return out;
  }
}

function add(out: FaceVector & { bounceY: number }, layer: FaceVector & { bounceY?: number }, gain: number): void {
  for (const [k, v] of Object.entries(layer) as Array<[keyof typeof out, number]>) out[k] = (out[k] ?? 0) + v * gain;
}
