import type { Logger } from 'pino';
import { persistActiveCharacter, validateCharacter, type CatalogPaths } from '../config/character-catalog.ts';
import type { Config } from '../config-schema.ts';
import type { EventBus } from '../core/bus.ts';
import { EngineError } from '../core/errors.ts';
import type { InputQueue } from '../core/input-queue.ts';
import { withTimeout } from '../core/retry.ts';
import type { TurnTracker } from '../core/turn-tracker.ts';

declare module '../core/bus-events.ts' {
  interface BusEvents {
    /** The active character changed at runtime (persona, voice, model and greeting are swapped). */
    'character.switched': { previous: string; name: string; displayName: string; language: string };
  }
}

/**
 * What a stage prepared for the next character. Nothing here may touch the running character until
 * `commit`; `cancel` throws the preparation away when another stage refused the switch.
 */
export interface CharacterSwap {
  /** Stop starting new work (the agent holds its queue); running turns are aborted right after. */
  pause?(): void;
  /** Waits until the stage's aborted work has settled (bounded by the switcher). */
  drained?(): Promise<void>;
  /** Binds the new character. Must not throw for reasons `prepare` could have found. */
  commit(): void | Promise<void>;
  /** Starts work again (after every stage committed, or after a refusal). */
  resume?(): void;
  cancel?(): void | Promise<void>;
}

export interface SwitchParticipant {
  /** The stage name, used in refusals ("tts: no engine can run"). */
  name: string;
  /** Builds what the next character needs (engines, providers...) without using it yet. Throwing refuses the switch. */
  prepare(next: Readonly<Config>): CharacterSwap | undefined | Promise<CharacterSwap | undefined>;
}

export interface SwitchRequest {
  name: string;
  /** `keep` (default): queued inputs are answered by the new character; `clear`: they are dropped. */
  queue?: 'keep' | 'clear';
}

export interface SwitchResult {
  previous: string;
  active: string;
  aborted_turns: number;
  cleared_inputs: number;
  kept_inputs: number;
  backup: string;
  ms: number;
}

export interface CharacterSwitcherDeps {
  paths: CatalogPaths;
  input: InputQueue;
  turns: TurnTracker;
  bus: EventBus;
  log: Logger;
  initial: Readonly<Config>;
  /** How long aborted turns get to settle before the switch goes on without them. */
  drainTimeoutMs?: number;
}

/**
 * Switches the active character while the daemon runs. Order matters: the file is validated and every
 * stage prepares its part first (nothing running is touched, so a refusal leaves the show as it was);
 * only then is the running turn aborted, the queue kept or cleared, conf.yaml written (with a backup),
 * and every stage commits. One switch at a time.
 */
export class CharacterSwitcher {
  private current: Readonly<Config>;
  private readonly participants: SwitchParticipant[] = [];
  private busy = false;

  constructor(private readonly d: CharacterSwitcherDeps) {
    this.current = d.initial;
  }

  /** The config of the character the daemon speaks as now. */
  get config(): Readonly<Config> {
    return this.current;
  }

  get active(): string {
    return this.current.active_character;
  }

  get switching(): boolean {
    return this.busy;
  }

  register(participant: SwitchParticipant): () => void {
    this.participants.push(participant);
    return () => {
      const i = this.participants.indexOf(participant);
      if (i >= 0) this.participants.splice(i, 1);
    };
  }

  async switch(req: SwitchRequest): Promise<SwitchResult> {
    if (this.busy) throw new EngineError('CHARACTER_SWITCH_BUSY', 'another character switch is still running; try again when it has finished');
    this.busy = true;
    try {
      return await this.run(req);
    } finally {
      this.busy = false;
    }
  }

  private async run(req: SwitchRequest): Promise<SwitchResult> {
    const started = performance.now();
    const log = this.d.log;
    const previous = this.current.active_character;
    // Throws ConfigError naming file:line; nothing has been touched yet.
    // The daemon's catalog paths carry its ConfigSchema, so the result is a Config.
    const next = validateCharacter(this.d.paths, req.name).config as Readonly<Config>;
    const swaps: Array<{ name: string; swap: CharacterSwap }> = [];
    let failed = 'a stage';
    try {
      for (const p of [...this.participants]) {
        failed = p.name;
        const swap = await p.prepare(next);
        if (swap) swaps.push({ name: p.name, swap });
      }
    } catch (err) {
      await this.cancel(swaps);
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ event: 'character.switch_refused', character: req.name, stage: failed, reason }, 'character switch refused by a stage');
      throw new EngineError('CHARACTER_UNUSABLE', `${failed}: ${reason}`, { cause: err });
    }

    for (const { swap } of swaps) swap.pause?.();
    const aborted = this.d.turns.abortAll('interrupted');
    const cleared = req.queue === 'clear' ? this.d.input.remove(() => true, 'superseded').length : 0;
    await this.drain(swaps);

    let backup: string;
    try {
      backup = persistActiveCharacter(this.d.paths.configPath, next.active_character).backupPath;
    } catch (err) {
      await this.cancel(swaps);
      for (const { swap } of swaps) swap.resume?.();
      throw new EngineError('INTERNAL', `conf.yaml could not be written: ${(err as Error).message}`, { cause: err });
    }
    for (const { name, swap } of swaps) {
      try {
        await swap.commit();
      } catch (err) {
        log.error({ event: 'character.commit_failed', stage: name, err }, 'a stage failed to take the new character');
      }
    }
    this.current = next;
    const c = next.character;
    this.d.bus.emit('character.switched', { previous, name: next.active_character, displayName: c.display_name, language: c.language });
    for (const { swap } of swaps) swap.resume?.();
    const ms = Math.round(performance.now() - started);
    log.info({ event: 'character.switched', previous, character: next.active_character, aborted, cleared, ms }, 'character switched');
    return { previous, active: next.active_character, aborted_turns: aborted, cleared_inputs: cleared, kept_inputs: this.d.input.size, backup, ms };
  }

  private async drain(swaps: ReadonlyArray<{ name: string; swap: CharacterSwap }>): Promise<void> {
    const limit = this.d.drainTimeoutMs ?? 5000;
    const late = new EngineError('TIMEOUT', `aborted turns did not settle within ${limit} ms`);
    try {
      await withTimeout(Promise.all(swaps.map(({ swap }) => swap.drained?.())), limit, () => late);
    } catch (err) {
      if (err !== late) throw err;
      this.d.log.warn({ event: 'character.drain_timeout', ms: limit }, 'aborted turns did not settle in time; switching anyway');
    }
  }

  private async cancel(swaps: ReadonlyArray<{ name: string; swap: CharacterSwap }>): Promise<void> {
    for (const { name, swap } of swaps) {
      try {
        await swap.cancel?.();
      } catch (err) {
        this.d.log.warn({ event: 'character.cancel_failed', stage: name, err }, 'throwing away a prepared character failed');
      }
    }
  }
}
