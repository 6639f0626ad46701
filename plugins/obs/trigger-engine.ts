import type { Logger } from 'pino';
import type { BusEventName, BusEvents } from '../../src/core/bus-events.ts';
import type { Disposer } from '../../src/core/disposable.ts';
import { withTimeout } from '../../src/core/retry.ts';
import type { ObsAction, ObsTrigger } from './config.ts';
import type { ObsService } from './obs-service.ts';
import { PlaybackFollower } from './playback-follower.ts';

type On = <K extends BusEventName>(event: K, handler: (payload: BusEvents[K]) => void) => Disposer;

interface Active {
  timer: NodeJS.Timeout | undefined;
  revert: () => Promise<void>;
}

/**
 * Maps bus events to OBS actions by the configured rules. A timed action (`duration_ms`) reverts
 * on its own timer, which no turn owns: an interrupted turn cannot leave a filter on. Re-firing a
 * running timed rule extends it. On stop, every pending revert runs at once.
 */
export class TriggerEngine {
  private readonly lastFired = new Map<number, number>();
  private readonly active = new Map<number, Active>();
  private readonly idle = new Map<number, NodeJS.Timeout>();
  private runningTurns = 0;
  private stopped = false;
  private follower: PlaybackFollower | undefined;

  constructor(
    private readonly rules: readonly ObsTrigger[],
    private readonly obs: ObsService,
    private readonly log: Logger,
    /** True when a speech output runs, so segments are timed by playback. */
    private readonly followPlayback: () => boolean = () => false,
  ) {}

  start(on: On): void {
    if (this.rules.length === 0) return;
    const heard = (seg: BusEvents['reply.segment']): void => {
      this.rules.forEach((rule, i) => {
        if (rule.on === 'reply_segment') this.fire(i, { text: seg.text });
        else if (rule.on === 'emotion' && seg.emotion !== undefined && rule.emotions.includes(seg.emotion)) this.fire(i, { text: seg.text });
      });
    };
    const played = (): void => {
      this.rules.forEach((rule, i) => {
        if (rule.on === 'turn_end') this.fire(i, {});
      });
    };
    // With a speech output, segments and turn ends follow playback; without one they are shown as they come.
    const follower = new PlaybackFollower({ segment: heard, end: played });
    this.follower = follower;
    on('reply.segment', (seg) => (this.followPlayback() ? follower.segment(seg) : heard(seg)));
    on('reply.audio', (a) => follower.audio(a));
    on('client.playback', (p) => follower.playback(p));
    on('turn.interrupt_requested', () => follower.interruptAll());
    on('input.queued', (item) => {
      this.rules.forEach((rule, i) => {
        if (rule.on === 'input' && rule.kinds.includes(item.kind)) this.fire(i, { text: item.text, user: item.user.displayName });
      });
      this.activity();
    });
    on('turn.started', () => {
      this.runningTurns++;
      this.activity();
    });
    on('turn.ended', (summary) => {
      this.runningTurns = Math.max(0, this.runningTurns - 1);
      if (this.followPlayback()) follower.turnEnded(summary.turnId, summary.state !== 'completed');
      else played();
      this.activity();
    });
    this.activity();
  }

  /** Stops timers and runs pending reverts (each bounded), so OBS is left as it was. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.follower?.stop();
    for (const t of this.idle.values()) clearTimeout(t);
    this.idle.clear();
    const pending = [...this.active.entries()];
    this.active.clear();
    await Promise.all(
      pending.map(async ([i, a]) => {
        clearTimeout(a.timer);
        await withTimeout(a.revert(), 3000, () => new Error('revert timed out')).catch((err: unknown) => this.warn(i, 'obs.revert_failed', err));
      }),
    );
  }

  /** Any turn or input: resets idle timers, and undoes fired idle rules that return on activity. */
  private activity(): void {
    if (this.stopped) return;
    this.rules.forEach((rule, i) => {
      if (rule.on !== 'idle') return;
      clearTimeout(this.idle.get(i));
      this.idle.delete(i);
      const fired = this.active.get(i);
      if (fired && rule.return_on_activity) {
        this.active.delete(i);
        clearTimeout(fired.timer);
        void this.revertDurably(i, fired);
      }
      if (this.runningTurns > 0 || fired) return;
      const timer = setTimeout(() => {
        this.idle.delete(i);
        if (this.runningTurns === 0) this.fire(i, {});
      }, rule.idle_ms);
      timer.unref();
      this.idle.set(i, timer);
    });
  }

  private fire(index: number, vars: { text?: string; user?: string }): void {
    if (this.stopped) return;
    const rule = this.rules[index];
    if (!rule) return;
    const now = performance.now();
    const last = this.lastFired.get(index);
    if (last !== undefined && now - last < rule.cooldown_ms) return;
    this.lastFired.set(index, now);
    const running = this.active.get(index);
    if (running && rule.duration_ms !== undefined) {
      // Still on: keep it on longer rather than stacking a second revert.
      clearTimeout(running.timer);
      running.timer = this.revertTimer(index, rule.duration_ms);
      return;
    }
    void this.apply(index, rule, vars);
  }

  private async apply(index: number, rule: ObsTrigger, vars: { text?: string; user?: string }): Promise<void> {
    const undo = rule.duration_ms !== undefined || (rule.on === 'idle' && rule.return_on_activity);
    let revert: (() => Promise<void>) | undefined;
    // Reserve the slot before awaiting, so a re-fire meanwhile extends instead of stacking.
    const entry: Active = { timer: undefined, revert: async () => revert?.() };
    if (undo) this.active.set(index, entry);
    try {
      revert = undo ? await this.inverse(rule.action) : undefined;
      await this.obs.perform(rule.action, vars);
      this.log.debug({ event: 'obs.trigger_fired', rule: index, on: rule.on, action: rule.action.type }, 'OBS trigger fired');
      if (rule.duration_ms !== undefined && this.active.get(index) === entry) entry.timer = this.revertTimer(index, rule.duration_ms);
    } catch (err) {
      if (this.active.get(index) === entry) this.active.delete(index);
      this.warn(index, 'obs.trigger_failed', err);
    }
  }

  private revertTimer(index: number, ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      const a = this.active.get(index);
      if (!a) return;
      this.active.delete(index);
      void this.revertDurably(index, a);
    }, ms);
  }

  /**
   * Runs a revert until it succeeds: a failure (OBS frozen, down, reconnecting) is retried with
   * backoff up to 5 s apart, so it lands once OBS is back. A new firing of the same rule supersedes it.
   */
  private async revertDurably(index: number, a: Active): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await a.revert();
        this.log.debug({ event: 'obs.trigger_reverted', rule: index, attempt }, 'OBS trigger reverted');
        return;
      } catch (err) {
        this.warn(index, 'obs.revert_failed', err);
      }
      if (this.stopped || this.active.has(index)) return;
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
      if (this.stopped || this.active.has(index)) return;
    }
  }

  /** What undoes `action`; for a scene, the scene that is current now. */
  private async inverse(action: ObsAction): Promise<() => Promise<void>> {
    switch (action.type) {
      case 'scene': {
        const previous = await this.obs.currentScene();
        return async () => {
          if (previous === action.name) return;
          // The streamer switched scenes meanwhile: their choice wins, the revert is dropped.
          const now = await this.obs.currentScene();
          if (now !== action.name) {
            this.log.info({ event: 'obs.revert_skipped', scene: now, triggered: action.name }, 'OBS scene changed by hand; revert skipped');
            return;
          }
          await this.obs.switchScene(previous);
        };
      }
      case 'source':
        return () => this.obs.setSourceVisible(action.scene, action.source, !action.visible);
      case 'filter':
        return () => this.obs.setFilterEnabled(action.source, action.filter, !action.enabled);
      case 'text':
        return () => this.obs.setText(action.source, '');
      case 'media':
        return () => this.obs.triggerMedia(action.source, 'stop');
    }
  }

  private warn(rule: number, event: string, err: unknown): void {
    const e = err as { code?: string; message?: string };
    this.log.warn({ event, rule, code: e.code, reason: e.message }, 'OBS trigger action failed');
  }
}
