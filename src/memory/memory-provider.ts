import type { Logger } from 'pino';
import type { InputItem } from '../core/input.ts';
import type { PromptContext, PromptContextProvider } from '../core/prompt-context.ts';
import type { MemoryService } from './memory-service.ts';

/**
 * Gives the prompt builder the speaker's memories: core blocks first (persona facts, facts
 * about this viewer), then recalled items. Never waits longer than `recall.timeout_ms`; when
 * Chroma is down it answers at once with the core blocks only.
 */
export function createMemoryProvider(memory: MemoryService, log: Logger): PromptContextProvider & { lastRecallMs: number | undefined } {
  const provider = {
    name: 'memory',
    lastRecallMs: undefined as number | undefined,
    async provide(input: InputItem, signal: AbortSignal): Promise<PromptContext> {
      const core: string[] = [];
      // The active character's blocks (it changes on a runtime switch).
      const persona = memory.db.getBlock('character', memory.character);
      if (persona?.text.trim()) core.push(`About yourself: ${persona.text.trim()}`);
      const human = memory.db.getBlock('viewer', input.user.id);
      if (human?.text.trim()) core.push(`About ${input.user.displayName}: ${human.text.trim()}`);
      if (!memory.available || signal.aborted || !input.text.trim()) return core.length ? { memories: core } : {};
      const t0 = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const recalled = await Promise.race([
          memory.recall(input),
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), memory.cfg.recall.timeout_ms);
            signal.addEventListener('abort', () => resolve(undefined), { once: true });
          }),
        ]);
        provider.lastRecallMs = performance.now() - t0;
        if (!recalled) {
          log.warn({ event: 'memory.recall_timeout', ms: memory.cfg.recall.timeout_ms }, 'recall missed its deadline');
          return core.length ? { memories: core } : {};
        }
        const memories = [...core, ...recalled.map((r) => r.text)];
        return memories.length ? { memories } : {};
      } catch (err) {
        log.warn({ event: 'memory.recall_failed', err }, 'recall failed; answering without memories');
        return core.length ? { memories: core } : {};
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return provider;
}
