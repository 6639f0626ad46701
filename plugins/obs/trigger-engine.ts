import type { Logger } from 'pino';
import type { BusEventName, BusEvents } from '../../src/core/bus-events.ts';
import type { Disposer } from '../../src/core/disposable.ts';
import { EngineError } from '../../src/core/errors.ts';
import { sleep, withTimeout } from '../../src/core/retry.ts';
import type { ObsTrigger } from './config.ts';
import { fillTemplate, type ObsService } from './obs-service.ts';
import type { PendingRevertFile } from './pending-reverts.ts';
import { PlaybackFollower } from './playback-follower.ts';
import { applyRevert, planRevert, type RevertPlan } from './revert-plan.ts';
import { inputVars } from './template-vars.ts';

type On = <K extends BusEventName>(event: K, handler: (payload: BusEvents[K]) => void) => Disposer;
type Vars = Readonly<Record<string, string>>;

/** A revert OBS is owed: waiting for its time, or due and retried until it lands. */
interface Pending {
  rule: number;
  /** Undefined while the action is still being applied (a re-fire meanwhile extends, not stacks). */
  plan: RevertPlan | undefined;
  /** Epoch ms; undefined for an idle rule undone by the next activity. */
  dueAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  reverting: boolean;
  /** Restored from the file: owed by a previous run, so no rule of this run supersedes it. */
  fromLastRun: boolean;
}

export interface TriggerEngineOptions {
  rules: readonly ObsTrigger[];
  obs: ObsService;
  log: Logger;
  /** True when a speech output runs, so segments are timed by playback. */
  followPlayback(): boolean;
  /** Where owed reverts survive a restart (undefined: kept in memory only). */
  store: PendingRevertFile | undefined;
  /** Subscribes to "OBS answers again" (a new session is up). */
  onConnected(listener: () => void): Disposer;
}

/**
 * Maps bus events to OBS actions by the configured rules. A timed action (`duration_ms`) is
 * undone on its own timer, which no turn owns, and the undo is durable: it is retried until it
 * lands (at once when OBS reconnects), survives a restart through a small file, and only runs
 * while OBS still shows what the rule set, so the streamer's own change in between wins.
 */
export class TriggerEngine {
  private readonly lastFired = new Map<number, number>();
  /** The live owed revert per rule (timed or idle); restored ones from a previous run are not here. */
  private readonly byRule = new Map<number, Pending>();
  private readonly pending = new Set<Pending>();
  private readonly idle = new Map<number, NodeJS.Timeout>();
  /** Idle rules that came due while OBS was down: fired once it is back, if still idle. */
  private readonly owedIdle = new Set<number>();
  private readonly wakers = new Set<() => void>();
  private runningTurns = 0;
  private stopped = false;
  private follower: PlaybackFollower | undefined;

  constructor(private readonly o: TriggerEngineOptions) {}

  start(on: On): Disposer {
    this.restore();
    const offConnected = this.o.onConnected(() => this.onConnected());
    const rules = this.o.rules;
    const heard = (seg: BusEvents['reply.segment']): void => {
      const vars = { text: seg.text, emotion: seg.emotion ?? '' };
      rules.forEach((rule, i) => {
        if (rule.on === 'reply_segment') this.fire(i, vars);
        else if (rule.on === 'emotion' && seg.emotion !== undefined && rule.emotions.includes(seg.emotion)) this.fire(i, vars);
      });
    };
    const played = (): void => rules.forEach((rule, i) => rule.on === 'turn_end' && this.fire(i, {}));
    // With a speech output, segments and turn ends follow playback; without one they are shown as they come.
    const follower = new PlaybackFollower({ segment: heard, end: played });
    this.follower = follower;
    on('reply.segment', (seg) => (this.o.followPlayback() ? follower.segment(seg) : heard(seg)));
    on('reply.audio', (a) => follower.audio(a));
    on('client.playback', (p) => follower.playback(p));
    on('turn.interrupt_requested', () => follower.interruptAll());
    on('emotion.set', (e) => rules.forEach((rule, i) => rule.on === 'emotion' && rule.emotions.includes(e.name) && this.fire(i, { emotion: e.name, text: '' })));
    on('redemption.received', (r) => {
      const reward = r.reward.toLowerCase();
      const vars = { reward: r.reward, user: r.user, message: r.message, cost: String(r.cost) };
      rules.forEach((rule, i) => rule.on === 'redemption' && rule.rewards.some((t) => t.toLowerCase() === reward) && this.fire(i, vars));
    });
    on('agent.stage_cue', (cue) => rules.forEach((rule, i) => rule.on === 'stage' && rule.cues.includes(cue.name) && this.fire(i, { cue: cue.name })));
    on('input.queued', (item) => {
      const vars = inputVars(item);
      rules.forEach((rule, i) => rule.on === 'input' && rule.kinds.includes(item.kind) && this.fire(i, vars));
      this.activity();
    });
    on('turn.started', () => {
      this.runningTurns++;
      this.activity();
    });
    on('turn.ended', (summary) => {
      this.runningTurns = Math.max(0, this.runningTurns - 1);
      if (this.o.followPlayback()) follower.turnEnded(summary.turnId, summary.state !== 'completed');
      else played();
      this.activity();
    });
    this.activity();
    return offConnected;
  }

  /** Stops timers and runs every owed revert once (bounded); what does not land is kept for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.follower?.stop();
    for (const t of this.idle.values()) clearTimeout(t);
    this.idle.clear();
    for (const wake of this.wakers) wake();
    await Promise.all(
      [...this.pending].map(async (p) => {
        clearTimeout(p.timer);
        if (!p.plan) return;
        const plan = p.plan;
        try {
          await withTimeout(applyRevert(this.o.obs, plan), 3000, () => new EngineError('TIMEOUT', 'revert timed out'));
          this.pending.delete(p);
        } catch (err) {
          this.warn(p.rule, 'obs.revert_failed', err);
        }
      }),
    );
    this.persist();
  }

  /** Reverts owed by a previous run: due ones are replayed once OBS answers, the rest wait for their time. */
  private restore(): void {
    for (const rec of this.o.store?.load() ?? []) {
      const p: Pending = { rule: rec.rule, plan: rec.plan, dueAt: rec.dueAt, timer: undefined, reverting: false, fromLastRun: true };
      this.pending.add(p);
      if (rec.dueAt !== undefined) p.timer = this.revertTimer(p, Math.max(0, rec.dueAt - Date.now()));
    }
    if (this.pending.size > 0) this.o.log.info({ event: 'obs.pending_reverts_restored', count: this.pending.size }, 'OBS reverts owed from the last run restored');
  }

  private onConnected(): void {
    for (const wake of this.wakers) wake();
    for (const i of this.owedIdle) {
      this.owedIdle.delete(i);
      if (this.runningTurns === 0 && !this.byRule.has(i)) this.fire(i, {});
    }
  }

  /** Any turn or input: resets idle timers, and undoes fired idle rules that return on activity. */
  private activity(): void {
    if (this.stopped) return;
    for (const p of this.pending) {
      // An idle rule's revert from a previous run: this is the activity it was waiting for.
      if (p.fromLastRun && p.dueAt === undefined) void this.revertDurably(p);
    }
    this.o.rules.forEach((rule, i) => {
      if (rule.on !== 'idle') return;
      clearTimeout(this.idle.get(i));
      this.idle.delete(i);
      this.owedIdle.delete(i);
      const fired = this.byRule.get(i);
      if (fired && rule.return_on_activity) {
        // Still being applied (no plan yet): apply() sees it left byRule and undoes it once it lands.
        this.byRule.delete(i);
        void this.revertDurably(fired);
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

  private fire(index: number, vars: Vars): void {
    if (this.stopped) return;
    const rule = this.o.rules[index];
    if (!rule) return;
    const now = performance.now();
    const last = this.lastFired.get(index);
    if (last !== undefined && now - last < rule.cooldown_ms) return;
    this.lastFired.set(index, now);
    const running = this.byRule.get(index);
    if (running && rule.duration_ms !== undefined) {
      // Still on: keep it on longer rather than stacking a second revert.
      clearTimeout(running.timer);
      running.dueAt = Date.now() + rule.duration_ms;
      if (running.plan) running.timer = this.revertTimer(running, rule.duration_ms);
      this.persist();
      return;
    }
    void this.apply(index, rule, vars);
  }

  private async apply(index: number, rule: ObsTrigger, vars: Vars): Promise<void> {
    const undo = rule.duration_ms !== undefined || (rule.on === 'idle' && rule.return_on_activity);
    const p: Pending = { rule: index, plan: undefined, dueAt: rule.duration_ms !== undefined ? Date.now() + rule.duration_ms : undefined, timer: undefined, reverting: false, fromLastRun: false };
    // Reserve the slot before awaiting, so a re-fire meanwhile extends instead of stacking.
    if (undo) {
      this.byRule.set(index, p);
      this.pending.add(p);
    }
    try {
      const filled = rule.action.type === 'text' ? fillTemplate(rule.action.text, vars) : '';
      const plan = undo ? await planRevert(this.o.obs, rule.action, filled) : undefined;
      await this.o.obs.perform(rule.action, vars);
      this.o.log.debug({ event: 'obs.trigger_fired', rule: index, on: rule.on, action: rule.action.type }, 'OBS trigger fired');
      if (!undo) return;
      if (!plan) {
        // OBS was already in that state: nothing of ours to undo.
        this.forget(p);
        return;
      }
      p.plan = plan;
      // Only activity takes a slot out of byRule while its action is applied: undo it now.
      if (this.byRule.get(index) !== p) {
        void this.revertDurably(p);
        return;
      }
      if (p.dueAt !== undefined) p.timer = this.revertTimer(p, Math.max(0, p.dueAt - Date.now()));
      this.persist();
    } catch (err) {
      // Nothing was applied, so nothing is owed (also when activity already took it out of byRule).
      if (undo) this.forget(p);
      this.warn(index, 'obs.trigger_failed', err);
      const code = (err as { code?: string }).code;
      if (rule.on === 'idle' && (code === 'UPSTREAM_UNREACHABLE' || code === 'TIMEOUT')) this.owedIdle.add(index);
    }
  }

  private revertTimer(p: Pending, ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (this.byRule.get(p.rule) === p) this.byRule.delete(p.rule);
      void this.revertDurably(p);
    }, ms);
  }

  /**
   * Runs a revert until it lands: a failure (OBS frozen, down, reconnecting) is retried with backoff
   * up to 5 s apart and at once when OBS reconnects. A new firing of the same rule supersedes it.
   */
  private async revertDurably(p: Pending): Promise<void> {
    const plan = p.plan;
    if (!plan || p.reverting) return;
    p.reverting = true;
    for (let attempt = 0; !this.stopped; attempt++) {
      if (!p.fromLastRun && this.byRule.has(p.rule) && this.byRule.get(p.rule) !== p) {
        this.forget(p);
        return;
      }
      try {
        const outcome = await applyRevert(this.o.obs, plan);
        if (outcome.done === 'skipped') this.o.log.info({ event: 'obs.revert_skipped', rule: p.rule, reason: outcome.reason }, 'OBS changed by hand meanwhile; revert skipped');
        else this.o.log.debug({ event: 'obs.trigger_reverted', rule: p.rule, attempt }, 'OBS trigger reverted');
        this.forget(p);
        return;
      } catch (err) {
        this.warn(p.rule, 'obs.revert_failed', err);
      }
      await this.retryWait(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
    }
  }

  /** Waits `ms`, or less when OBS reconnects or the engine stops. */
  private async retryWait(ms: number): Promise<void> {
    const wake = new AbortController();
    const waker = (): void => wake.abort();
    this.wakers.add(waker);
    await sleep(ms, wake.signal).catch(() => undefined);
    this.wakers.delete(waker);
  }

  private forget(p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(p);
    if (this.byRule.get(p.rule) === p) this.byRule.delete(p.rule);
    this.persist();
  }

  private persist(): void {
    this.o.store?.save([...this.pending].flatMap((p) => (p.plan ? [{ rule: p.rule, plan: p.plan, ...(p.dueAt !== undefined ? { dueAt: p.dueAt } : {}) }] : [])));
  }

  private warn(rule: number, event: string, err: unknown): void {
    const e = err as { code?: string; message?: string };
    this.o.log.warn({ event, rule, code: e.code, reason: e.message }, 'OBS trigger action failed');
  }
}
