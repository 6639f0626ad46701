import type { Logger } from 'pino';
import type { VtsAction, VtsConfig } from './config.ts';

export interface VtsRequester {
  readonly ready: boolean;
  request(type: string, data?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface DriverCounters {
  hotkeys: number;
  expressions: number;
  failed: number;
  unmapped: number;
}

/**
 * Turns the reply's emotion and motion tags into VTube Studio actions when the segment carrying them is
 * heard: a hotkey (by name or id, HotkeyTriggerRequest) or an expression (ExpressionActivationRequest).
 * One emotion expression is on at a time; it goes off when the next one comes, or after the reply.
 */
export class ExpressionDriver {
  private activeExpression: string | undefined;
  readonly counters: DriverCounters = { hotkeys: 0, expressions: 0, failed: 0, unmapped: 0 };

  constructor(
    private readonly cfg: Pick<VtsConfig, 'emotions' | 'motions' | 'clear_expression_after_reply'>,
    private readonly vts: VtsRequester,
    private readonly log: Logger,
  ) {}

  segmentHeard(emotion: string | undefined, motions: readonly string[]): void {
    if (emotion !== undefined) this.emotion(emotion);
    for (const m of motions) {
      const action = this.cfg.motions[m];
      if (action) void this.run(`motion:${m}`, action, false);
      else this.counters.unmapped++;
    }
  }

  replyHeard(): void {
    if (this.cfg.clear_expression_after_reply) this.clearExpression();
  }

  /** The model changed or the connection was lost: whatever was on is VTS's business now. */
  forget(): void {
    this.activeExpression = undefined;
  }

  private emotion(name: string): void {
    const action = this.cfg.emotions[name];
    if (!action) {
      this.counters.unmapped++;
      return;
    }
    void this.run(`emotion:${name}`, action, true);
  }

  private clearExpression(): void {
    const file = this.activeExpression;
    if (!file || !this.vts.ready) return;
    this.activeExpression = undefined;
    this.vts.request('ExpressionActivationRequest', { expressionFile: file, active: false }).catch((err: unknown) => this.failed('expression_off', err));
  }

  private async run(tag: string, action: VtsAction, isEmotion: boolean): Promise<void> {
    if (!this.vts.ready) return;
    try {
      if ('hotkey' in action) {
        await this.vts.request('HotkeyTriggerRequest', { hotkeyID: action.hotkey });
        this.counters.hotkeys++;
        return;
      }
      if (isEmotion && this.activeExpression && this.activeExpression !== action.expression) this.clearExpression();
      await this.vts.request('ExpressionActivationRequest', { expressionFile: action.expression, active: true });
      if (isEmotion) this.activeExpression = action.expression;
      this.counters.expressions++;
    } catch (err) {
      this.failed(tag, err);
    }
  }

  private failed(tag: string, err: unknown): void {
    this.counters.failed++;
    this.log.warn({ event: 'vts.action_failed', tag, error: err instanceof Error ? err.message : String(err) }, 'VTube Studio action failed');
  }
}
