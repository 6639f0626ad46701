import * as PIXI from 'pixi.js';
import { Live2DModel } from 'pixi-live2d-display';
import { createLogger } from '../shared/logger.ts';
import { resolveEmotion } from './emotion-presets.ts';
import { FaceController } from './face-controller.ts';
import type { ModelEntry } from './model-entry.ts';
import { paramAccess } from './param-access.ts';
import { resolveMotion } from './procedural-motions.ts';

const log = createLogger('avatar');
Live2DModel.registerTicker(PIXI.Ticker);

export interface AvatarOptions {
  canvas: HTMLCanvasElement;
  entry: ModelEntry;
  /** No idle motions, blinking, breathing or mouse follow (reproducible frames). */
  still: boolean;
  /** Follow the mouse with the eyes (off in overlay mode). */
  followPointer: boolean;
  /** Lip-sync level 0..1 at this moment. */
  mouthLevel: () => number;
  /** How long an emotion stays before the face returns to neutral, in ms. */
  emotionHoldMs?: number;
}

/** The Live2D character on a transparent pixi canvas: layout, emotions, motions, lip sync, taps. */
export class Live2dAvatar {
  private constructor(
    readonly app: PIXI.Application,
    readonly model: Live2DModel,
    readonly face: FaceController,
    private readonly opts: AvatarOptions,
  ) {}
  private emotionTimer: number | undefined;
  private baseY = 0;
  /** Window listeners to remove when the model is replaced (a character switch). */
  private readonly cleanups: Array<() => void> = [];

  static async create(opts: AvatarOptions): Promise<Live2dAvatar> {
    const app = new PIXI.Application({ view: opts.canvas, backgroundAlpha: 0, antialias: true, autoDensity: true, resolution: window.devicePixelRatio || 1, resizeTo: opts.canvas.parentElement ?? window });
    const model = await Live2DModel.from(opts.entry.url, { autoInteract: false });
    app.stage.addChild(model);
    const internal = model.internalModel;
    internal.motionManager.groups.idle = opts.still ? '\u0000none' : opts.entry.idle_motion_group;
    if (opts.still) {
      const m = internal as unknown as { eyeBlink?: unknown };
      m.eyeBlink = undefined;
      internal.motionManager.stopAllMotions();
    }
    const face = new FaceController(paramAccess(internal.coreModel), { still: opts.still });
    const avatar = new Live2dAvatar(app, model, face, opts);
    let last = performance.now();
    internal.on('beforeModelUpdate', () => {
      const now = performance.now();
      face.apply(now - last, now, opts.mouthLevel());
      last = now;
    });
    app.ticker.add(() => {
      model.y = avatar.baseY + face.bounceY * app.screen.height * 0.03;
    });
    avatar.layout();
    avatar.listen(window, 'resize', () => avatar.layout());
    avatar.installInteraction();
    log.info('avatar.model_loaded', { model: opts.entry.name, params: face.coverage().length });
    return avatar;
  }

  /** Fits the model to the canvas height, then applies the entry's scale and offsets. */
  layout(): void {
    const { width, height } = this.app.screen;
    const m = this.model;
    const natural = { w: m.width / m.scale.x, h: m.height / m.scale.y };
    const s = Math.min((height * 0.95) / natural.h, (width * 0.95) / natural.w) * this.opts.entry.scale;
    m.scale.set(s);
    m.x = (width - natural.w * s) / 2 + this.opts.entry.offset_x * width;
    this.baseY = (height - natural.h * s) / 2 + this.opts.entry.offset_y * height;
    m.y = this.baseY;
  }

  /**
   * Shows an emotion: the model's own expression when the entry maps one, plus the built-in blend.
   * Unknown emotions are ignored (logged at debug level): they never throw and never show.
   */
  setEmotion(name: string, intensity = 1): boolean {
    const preset = resolveEmotion(name);
    if (!preset) {
      log.debug('avatar.emotion_unknown', { length: name.length });
      return false;
    }
    this.face.setEmotion(preset, intensity);
    const expression = this.opts.entry.emotion_map[preset] ?? this.opts.entry.emotion_map[name];
    const em = this.model.internalModel.motionManager.expressionManager;
    if (expression !== undefined) void this.model.expression(expression).catch(() => undefined);
    else em?.resetExpression();
    if (this.emotionTimer !== undefined) window.clearTimeout(this.emotionTimer);
    if (preset !== 'neutral' && !this.opts.still) this.emotionTimer = window.setTimeout(() => this.setEmotion('neutral'), this.opts.emotionHoldMs ?? 12_000);
    return true;
  }

  /** Plays a motion: the model's group when the entry maps it (or the model has a group of that name), else a procedural one. */
  playMotion(name: string): boolean {
    const groups = this.model.internalModel.motionManager.definitions as Record<string, unknown>;
    const group = this.opts.entry.motion_map[name] ?? (Object.hasOwn(groups, name) ? name : undefined);
    if (group !== undefined) {
      void this.model.motion(group).catch(() => undefined);
      return true;
    }
    const procedural = resolveMotion(name);
    if (procedural) return this.face.motions.play(procedural, performance.now());
    log.debug('avatar.motion_unknown', { length: name.length });
    return false;
  }

  /** Removes the model, its ticker and its window listeners; the canvas is left for the next model. */
  destroy(): void {
    if (this.emotionTimer !== undefined) window.clearTimeout(this.emotionTimer);
    for (const off of this.cleanups.splice(0)) off();
    this.app.destroy(false, { children: true });
  }

  private listen(target: Window, type: string, handler: (ev: Event) => void): void {
    target.addEventListener(type, handler);
    this.cleanups.push(() => target.removeEventListener(type, handler));
  }

  private installInteraction(): void {
    const canvas = this.opts.canvas;
    if (this.opts.followPointer && !this.opts.still) {
      this.listen(window, 'pointermove', (ev) => {
        const r = canvas.getBoundingClientRect();
        const p = ev as PointerEvent;
        this.model.focus(p.clientX - r.left, p.clientY - r.top);
      });
    }
    canvas.addEventListener('pointerdown', (ev) => {
      const r = canvas.getBoundingClientRect();
      const hits = this.model.hitTest(ev.clientX - r.left, ev.clientY - r.top);
      for (const hit of hits) {
        const group = this.opts.entry.tap_motions[hit];
        if (group) {
          void this.model.motion(group).catch(() => undefined);
          log.info('avatar.tap', { area: hit });
          break;
        }
      }
    });
  }
}
