import type { Logger } from 'pino';
import type { AgentConfig } from './agent-config.ts';
import { isEngineError } from '../core/errors.ts';
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
  private readonly settling = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly queue: InputQueue,
    private readonly runner: TurnRunner,
    private readonly cfg: AgentConfig,
    private readonly log: Logger,
  ) {}

  start(signal: AbortSignal): void {
    this.loop = this.run(signal);
  }

  /** Waits for the loop and every turn still settling (after the signal aborted). */
  async stopped(): Promise<void> {
    await this.loop;
    await Promise.allSettled([...this.settling]);
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let item;
      try {
        item = await this.queue.next(signal);
      } catch (err) {
        if (isEngineError(err) && (err.code === 'ABORTED' || err.code === 'SHUTTING_DOWN')) return;
        throw err;
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
      const settled = running.settled;
      this.settling.add(settled);
      void settled.finally(() => this.settling.delete(settled));
      await running.generated;
      // An interrupted turn must be settled (history holds what was heard) before the next prompt is built.
      if (running.turn.aborted) await settled;
    }
  }
}
