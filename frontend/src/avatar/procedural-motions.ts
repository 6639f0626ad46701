import { canonicalMotion, type MotionName } from '../../../src/live2d/avatar-vocabulary.ts';
import type { FaceVector } from './face-params.ts';

/** A short head/body movement computed from time, for models without a matching motion. */
interface ProceduralMotion {
  durationMs: number;
  /** Offsets at progress p (0..1). */
  at(p: number): FaceVector & { bounceY?: number };
}

const clamp01 = (p: number): number => Math.min(1, Math.max(0, p));
/** 0 → 1 → 0 over the motion (half sine). */
const env = (p: number): number => Math.sin(Math.PI * clamp01(p));
/** Rises over the first `edge` of the motion, holds, falls over the last `edge` (smoothstep edges). */
const hold = (p: number, edge: number): number => {
  const x = clamp01(Math.min(p / edge, (1 - p) / edge));
  return x * x * (3 - 2 * x);
};
const osc = (p: number, cycles: number): number => Math.sin(p * Math.PI * 2 * cycles);

/**
 * One parameter animation per vocabulary motion (angles in degrees, `bounceY` in units of 3 % of the
 * canvas height, negative = up). Used when the model has no motion group mapped for the name; the
 * `Record<MotionName, ...>` type makes a motion added to the shared vocabulary fail the typecheck here.
 */
export const PROCEDURAL_MOTIONS: Readonly<Record<MotionName, ProceduralMotion>> = {
  // Each has a held pose (h) under its movement, so every moment of the motion reads, not only the peaks.
  wave: { durationMs: 1800, at: (p) => { const h = hold(p, 0.2); return { angleZ: 8 * h + 10 * osc(p, 3) * env(p), bodyX: 8 * osc(p, 3) * env(p), bodyZ: 6 * h, eyeSmile: 0.7 * h, mouthForm: 0.8 * h, angleX: 8 * h }; } },
  nod: { durationMs: 1300, at: (p) => { const h = hold(p, 0.2); return { angleY: -10 * h - 16 * Math.abs(osc(p, 1)) * env(p), bodyY: -4 * h, eyeSmile: 0.4 * h, eyeOpen: -0.25 * h }; } },
  shake_head: { durationMs: 1500, at: (p) => { const h = hold(p, 0.2); return { angleX: 30 * osc(p, 2) * env(p), angleZ: -5 * osc(p, 2) * env(p), bodyX: 5 * osc(p, 2) * env(p), eyeBallX: -0.6 * osc(p, 2) * env(p), mouthForm: -0.7 * h, browY: -0.3 * h, eyeOpen: -0.2 * h }; } },
  bow: { durationMs: 1800, at: (p) => { const h = hold(p, 0.3); return { angleY: -28 * h, bodyY: -10 * h, eyeOpen: -0.7 * h, bounceY: 1.2 * h }; } },
  jump: { durationMs: 1400, at: (p) => { const h = hold(p, 0.15); return { bounceY: -2.5 * Math.abs(osc(p, 1)) * env(p) - 0.6 * h, angleY: 10 * h, eyeSmile: 0.8 * h, mouthOpen: 0.4 * h, mouthForm: 0.8 * h }; } },
  tilt_head: { durationMs: 1800, at: (p) => { const h = hold(p, 0.25); return { angleZ: 26 * h, angleX: 8 * h, bodyZ: 6 * h, bodyX: 4 * h, eyeBallX: 0.4 * h, browAngle: 0.4 * h }; } },
};

/** The procedural motion for a tag (a vocabulary name or one of its aliases), or undefined. */
export function resolveMotion(name: string): MotionName | undefined {
  return canonicalMotion(name);
}

/** Plays procedural motions; several can overlap and their offsets add up. */
export class ProceduralMotionPlayer {
  private running: Array<{ motion: ProceduralMotion; start: number }> = [];

  play(name: MotionName, now: number): boolean {
    const motion = PROCEDURAL_MOTIONS[name];
    if (this.running.length >= 4) this.running.shift();
    this.running.push({ motion, start: now });
    return true;
  }

  get active(): boolean {
    return this.running.length > 0;
  }

  /** The summed offsets at `now`; finished motions are dropped. */
  sample(now: number): FaceVector & { bounceY: number } {
    const out: FaceVector & { bounceY: number } = { bounceY: 0 };
    this.running = this.running.filter((r) => now - r.start < r.motion.durationMs);
    for (const r of this.running) {
      const v = r.motion.at((now - r.start) / r.motion.durationMs);
      for (const [k, val] of Object.entries(v) as Array<[keyof typeof out, number]>) out[k] = (out[k] ?? 0) + val;
    }
    return out;
  }
}
