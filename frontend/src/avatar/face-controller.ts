import { isEmotionName } from '../../../src/live2d/avatar-vocabulary.ts';
import { EMOTION_PRESETS } from './emotion-presets.ts';
import { FACE_PARAMS, PARAM_IDS, type FaceParam, type FaceVector, type ParamAccess } from './face-params.ts';
import { ProceduralMotionPlayer } from './procedural-motions.ts';
import { StageEnergy } from './stage-energy.ts';

/** Time constant of the emotion ease (ms): about 95 % of a change is done after 3 × this. */
const EASE_TAU_MS = 140;
const MOUTH_TAU_MS = 45;

export interface FaceControllerOptions {
  /** Freeze idle movement (head sway, breathing) so frames are reproducible: screenshots, tests. */
  still: boolean;
  /** How long a stage cue's idle energy lasts, in ms. */
  stageHoldMs?: number;
}

/**
 * Drives the face every frame, after motions and physics: eases toward the active emotion's blend,
 * adds procedural motions and sets the mouth from lip sync. Everything it sets is restored by the model
 * on the next frame (Live2D saves parameters before expressions), so nothing accumulates.
 */
export class FaceController {
  private readonly current: Record<FaceParam, number> = Object.fromEntries(FACE_PARAMS.map((p) => [p, 0])) as Record<FaceParam, number>;
  private target: FaceVector = {};
  private mouth = 0;
  private readonly ids: Record<FaceParam, string[]>;
  readonly motions = new ProceduralMotionPlayer();
  readonly stage: StageEnergy;
  emotion = 'neutral';
  intensity = 1;
  /** Last value written to the mouth parameter (after the model's clamp), for tests and the debug handle. */
  lastMouth = 0;
  bounceY = 0;

  constructor(
    private readonly params: ParamAccess,
    private readonly opts: FaceControllerOptions,
  ) {
    this.stage = new StageEnergy(opts.stageHoldMs ?? 30_000);
    this.ids = Object.fromEntries(FACE_PARAMS.map((p) => [p, PARAM_IDS[p].filter((id) => params.has(id))])) as Record<FaceParam, string[]>;
  }

  /** Which logical parameters this model has (for the log). */
  coverage(): string[] {
    return FACE_PARAMS.filter((p) => this.ids[p].length > 0);
  }

  setEmotion(name: string, intensity = 1): void {
    this.emotion = name;
    this.intensity = Math.max(0, Math.min(1, intensity));
    const preset: FaceVector = isEmotionName(name) ? EMOTION_PRESETS[name] : {};
    this.target = Object.fromEntries(Object.entries(preset).map(([k, v]) => [k, v * this.intensity]));
  }

  /** One frame. `mouthLevel` is the lip-sync level (0 = silent). */
  apply(dtMs: number, now: number, mouthLevel: number): void {
    const k = 1 - Math.exp(-Math.max(0, dtMs) / EASE_TAU_MS);
    for (const p of FACE_PARAMS) this.current[p] += ((this.target[p] ?? 0) - this.current[p]) * k;
    const motion = this.motions.sample(now);
    const stage = this.stage.sample(now);
    this.bounceY = motion.bounceY + stage.bounceY;
    const v = (p: FaceParam): number => this.current[p] + (motion[p] ?? 0) + (stage[p] ?? 0);

    if (this.opts.still) {
      for (const p of ['angleX', 'angleY', 'angleZ', 'bodyX', 'bodyY', 'bodyZ', 'eyeBallX', 'eyeBallY'] as const) this.setAll(p, () => 0);
      this.setAll('eyeOpen', () => 1);
      for (const id of ['PARAM_BREATH', 'ParamBreath']) if (this.params.has(id)) this.params.set(id, 0.5);
    }
    // Eyes: scale the opening (so blinks still work), widen or narrow.
    const eye = Math.max(0, 1 + v('eyeOpen'));
    this.setAll('eyeOpen', (cur) => cur * eye);
    for (const p of ['eyeSmile', 'eyeBallX', 'eyeBallY', 'browY', 'browX', 'browAngle', 'browForm', 'mouthForm', 'cheek', 'gloom', 'sparkle', 'tear'] as const) {
      const d = v(p);
      if (d !== 0) this.setAll(p, (cur) => cur + d);
    }
    for (const p of ['angleX', 'angleY', 'angleZ', 'bodyX', 'bodyY', 'bodyZ'] as const) {
      const d = v(p);
      if (d !== 0) this.setAll(p, (cur) => cur + d);
    }
    // Mouth: lip sync wins over motions; closed when silent (apart from an emotion's resting shape).
    const km = 1 - Math.exp(-Math.max(0, dtMs) / MOUTH_TAU_MS);
    this.mouth += (Math.max(0, Math.min(1, mouthLevel)) - this.mouth) * km;
    if (mouthLevel <= 0 && this.mouth < 0.01) this.mouth = 0;
    const open = Math.max(this.mouth, Math.max(0, v('mouthOpen')));
    const mouthIds = this.ids.mouthOpen;
    for (const id of mouthIds) this.params.set(id, open);
    this.lastMouth = mouthIds[0] !== undefined ? this.params.get(mouthIds[0]) : open;
  }

  private setAll(p: FaceParam, f: (current: number) => number): void {
    for (const id of this.ids[p]) this.params.set(id, f(this.params.get(id)));
  }
}
