import type { FaceVector } from './face-params.ts';

/** A short head/body movement computed from time, for models without a matching motion. */
interface ProceduralMotion {
  durationMs: number;
  /** Offsets at progress p (0..1). */
  at(p: number): FaceVector & { bounceY?: number };
}

const env = (p: number): number => Math.sin(Math.PI * Math.min(1, Math.max(0, p)));

export const PROCEDURAL_MOTIONS: Readonly<Record<string, ProceduralMotion>> = {
  wave: { durationMs: 1600, at: (p) => ({ angleZ: 12 * Math.sin(p * Math.PI * 6) * env(p), bodyX: 6 * Math.sin(p * Math.PI * 6) * env(p), eyeSmile: 0.5 * env(p) }) },
  nod: { durationMs: 1000, at: (p) => ({ angleY: -16 * Math.abs(Math.sin(p * Math.PI * 2)) * env(p) }) },
  shake: { durationMs: 1200, at: (p) => ({ angleX: 20 * Math.sin(p * Math.PI * 4) * env(p) }) },
  bounce: { durationMs: 800, at: (p) => ({ bounceY: -Math.abs(Math.sin(p * Math.PI * 2)) * env(p), angleY: 6 * env(p) }) },
};

export const MOTION_ALIASES: Readonly<Record<string, string>> = { hello: 'wave', greet: 'wave', yes: 'nod', agree: 'nod', no: 'shake', disagree: 'shake', jump: 'bounce', hop: 'bounce' };

export function resolveMotion(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  if (Object.hasOwn(PROCEDURAL_MOTIONS, key)) return key;
  const alias = MOTION_ALIASES[key];
  return alias !== undefined ? alias : undefined;
}

/** Plays procedural motions; several can overlap and their offsets add up. */
export class ProceduralMotionPlayer {
  private running: Array<{ motion: ProceduralMotion; start: number }> = [];

  play(name: string, now: number): boolean {
    const motion = PROCEDURAL_MOTIONS[name];
    if (!motion) return false;
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
