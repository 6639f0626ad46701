import type { Logger } from 'pino';
import type { AgentConfig } from './agent-config.ts';
import { isEngineError } from '../core/errors.ts';
import type { InputItem } from '../core/input.ts';
import type { InputQueue } from '../core/input-queue.ts';
import { maybeBatchChat } from './chat-batcher.ts';
import type { RunningTurn, TurnRunner } from './turn-runner.ts';
import { traceOf, withTrace } from '../logging/trace-context.ts';

/**
 * The agent's main loop: takes the next input by priority (chat floods become one batch), starts
 * its turn, and takes the next input as soon as this turn's text is generated — so the next LLM
 * call overlaps the current speech, while speech itself stays one turn at a time.
 */
export class TurnManager {
  private loop: Promise<void> | undefined;
  /** Set while paused (a character switch): no turn starts until it resolves. */
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  /** Inputs that run before the queue's next one (the new character's greeting). */
  private readonly first: InputItem[] = [];
  /** Aborts the loop's wait for the queue, so inputs given to `resume` start without waiting for new input. */
  private wake: AbortController | undefined;

  constructor(
    private readonly queue: InputQueue,
    private readonly runner: TurnRunner,
    private readonly cfg: AgentConfig,
    private readonly log: Logger,
  ) {}

  start(signal: AbortSignal): void {
    this.loop = this.run(signal);
  }

  /** Holds every new turn (an input already taken from the queue waits, it is not lost) until `resume`. */
  pause(): void {
    if (this.gate) return;
    let open: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  /** Lets turns start again; `first` (a greeting, inputs handed over by a switch) run in order before the queue. */
  resume(...first: InputItem[]): void {
    this.first.push(...first);
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
    if (first.length > 0) this.wake?.abort();
  }

  /** Waits for the loop and every turn still settling (after the signal aborted). */
  async stopped(): Promise<void> {
    await this.loop;
    await this.runner.idle();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let held: InputItem | undefined;
    while (!signal.aborted) {
      while (this.gate) await this.gate.promise;
      const fromFirst = this.first.shift();
      let item: InputItem;
      if (fromFirst) item = fromFirst;
      else if (held) {
        item = held;
        held = undefined;
      } else {
        const wake = new AbortController();
        this.wake = wake;
        try {
          item = await this.queue.next(AbortSignal.any([signal, wake.signal]));
        } catch (err) {
          if (isEngineError(err) && err.code === 'ABORTED' && wake.signal.aborted && !signal.aborted) continue;
          if (isEngineError(err) && (err.code === 'ABORTED' || err.code === 'SHUTTING_DOWN')) return;
          throw err;
        } finally {
          this.wake = undefined;
        }
      }
      if (this.gate) {
        // Taken just as a switch paused us: keep it for after the switch (and its greeting), never drop it.
        if (fromFirst) this.first.unshift(item);
        else held = item;
        continue;
      }
      const input = maybeBatchChat(item, this.queue, this.cfg.chat.batch_threshold, this.cfg.chat.batch_max_messages);
      if (input.kind === 'chat_batch') this.log.info({ event: 'agent.chat_batched', count: input.count }, 'chat flood batched into one input');
      let running: RunningTurn;
      try {
        // Everything the turn logs (agent, memory, TTS) carries the id the input came in with.
        running = withTrace(traceOf(input), () => this.runner.start(input));
      } catch (err) {
        this.log.error({ event: 'agent.turn_start_failed', err }, 'could not start a turn');
        continue;
      }
      await running.generated;
      // An interrupted turn must be settled (history holds what was heard) before the next prompt is built.
      if (running.turn.aborted) await running.settled;
    }
  }
}
