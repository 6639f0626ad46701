import type { EventBus } from './bus.ts';
import type { InputItem } from './input.ts';
import { Turn, type TurnState } from './turn.ts';

/**
 * Knows which turns are running, so shutdown and barge-in can abort them, and announces
 * turn start/end on the bus (the websocket hub turns those into `turn-start` / `turn-end`).
 */
export class TurnTracker {
  private readonly active = new Map<string, Turn>();

  constructor(private readonly bus: EventBus) {}

  begin(input: InputItem): Turn {
    const turn = new Turn(input);
    this.active.set(turn.id, turn);
    this.bus.emit('turn.started', { ...turn.summary(), inputText: turn.input.text, userName: turn.input.user.displayName });
    return turn;
  }

  end(turn: Turn, state: Exclude<TurnState, 'running'> = 'completed'): void {
    if (!this.active.delete(turn.id)) return;
    turn.finish(turn.aborted && state === 'completed' ? 'interrupted' : state);
    this.bus.emit('turn.ended', turn.summary());
  }

  get(turnId: string): Turn | undefined {
    return this.active.get(turnId);
  }

  /** Running turns, oldest first. */
  list(): Turn[] {
    return [...this.active.values()];
  }

  abortAll(reason: 'interrupted' | 'shutdown' = 'interrupted'): number {
    let n = 0;
    for (const turn of this.active.values()) {
      if (!turn.aborted) {
        turn.abort(reason);
        n++;
      }
    }
    return n;
  }
}
