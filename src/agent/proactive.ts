import type { Logger } from 'pino';
import type { AgentConfig } from './agent-config.ts';
import { isEngineError } from '../core/errors.ts';
import { randomUUID } from 'node:crypto';
import { INPUT_KIND_NAMES, type InputItem, type InputKind } from '../core/input.ts';
import type { NewInput } from '../core/input-queue.ts';
import type { StageContext } from '../plugin-host/define-stage.ts';

/** Inputs from people (every kind but the character's own lines) count as activity. */
const ACTIVITY: ReadonlySet<InputKind> = new Set(INPUT_KIND_NAMES.filter((k) => k !== 'system' && k !== 'proactive'));
/** Who self-started inputs come from (greetings, proactive lines). */
export const SYSTEM_USER = { id: 'system:agent', displayName: 'System', platform: 'system' } as const;

/**
 * Speech the character starts on its own: the greeting when the first client connects, and a
 * proactive line after `idle_s` without voice, text or chat — rate-limited, and only while
 * somebody is watching. Proactive inputs are never stored as user messages.
 */
export class ProactiveSpeech {
  private lastActivity = performance.now();
  private lastProactive = -Infinity;
  private inARow = 0;
  private greeted = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StageContext,
    private readonly cfg: AgentConfig,
    private greeting: string,
    private readonly isBusy: () => boolean,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.ctx.on('input.queued', (item) => {
      if (ACTIVITY.has(item.kind)) {
        this.lastActivity = performance.now();
        this.inARow = 0;
      }
    });
    this.ctx.on('turn.ended', () => {
      this.lastActivity = performance.now();
    });
    this.ctx.on('client.connected', () => this.maybeGreet());
    if (this.cfg.proactive.enabled) {
      const tickMs = Math.min(1000, this.cfg.proactive.idle_s * 250);
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref();
    }
    this.ctx.onDispose(() => clearInterval(this.timer));
  }

  /**
   * The greeting of a character switched to at runtime, as an input the turn manager runs first
   * (undefined when greetings are off or the character has none).
   */
  switchedTo(greeting: string): InputItem | undefined {
    this.greeting = greeting;
    this.greeted = true;
    if (!this.cfg.greeting || !greeting.trim()) return undefined;
    this.log.info({ event: 'agent.self_started', kind: 'system', purpose: 'greeting' }, 'character speaks on its own');
    return { id: randomUUID(), receivedAt: performance.now(), kind: 'system', text: greeting, user: SYSTEM_USER, verbatim: true, purpose: 'greeting' };
  }

  private maybeGreet(): void {
    if (this.greeted || !this.cfg.greeting || !this.greeting.trim() || this.ctx.hub.size !== 1) return;
    this.greeted = true;
    this.push({ kind: 'system', text: this.greeting, user: SYSTEM_USER, verbatim: true, purpose: 'greeting' });
  }

  private tick(): void {
    const p = this.cfg.proactive;
    const now = performance.now();
    if (this.ctx.hub.size === 0 || this.isBusy() || this.ctx.input.size > 0) return;
    if (now - this.lastActivity < p.idle_s * 1000 || now - this.lastProactive < p.min_interval_s * 1000 || this.inARow >= p.max_in_a_row) return;
    this.lastProactive = now;
    this.inARow++;
    this.push({ kind: 'proactive', text: '', user: SYSTEM_USER, idleS: Math.round((now - this.lastActivity) / 1000) });
  }

  private push(item: Extract<NewInput, { kind: 'system' | 'proactive' }>): void {
    try {
      this.ctx.input.push(item);
      this.log.info({ event: 'agent.self_started', kind: item.kind, purpose: item.kind === 'system' ? item.purpose : item.kind }, 'character speaks on its own');
    } catch (err) {
      if (!isEngineError(err)) throw err;
      this.log.debug({ event: 'agent.self_start_refused', code: err.code }, 'queue refused a self-started turn');
    }
  }
}
