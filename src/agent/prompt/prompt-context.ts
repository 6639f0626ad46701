import type { Logger } from 'pino';
import type { InputItem } from '../../core/input.ts';
import type { PromptContext, PromptContextProvider } from '../../core/prompt-context.ts';

/**
 * Asks every memory/relationship provider for context in parallel, each with the same short
 * deadline; a provider that is late or throws is skipped for this turn (and aborted).
 */
export async function gatherPromptContext(providers: readonly PromptContextProvider[], input: InputItem, deadlineMs: number, signal: AbortSignal, log: Logger): Promise<PromptContext> {
  if (providers.length === 0) return {};
  const results = await Promise.all(
    providers.map(async (p) => {
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const started = performance.now();
      try {
        const late = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            controller.abort();
            log.warn({ event: 'agent.context_late', provider: p.name, deadline_ms: deadlineMs }, 'prompt context provider missed its deadline');
            resolve(undefined);
          }, deadlineMs);
        });
        return await Promise.race([p.provide(input, controller.signal), late]);
      } catch (err) {
        if (!controller.signal.aborted) log.warn({ event: 'agent.context_failed', provider: p.name, err }, 'prompt context provider failed');
        return undefined;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        log.debug({ event: 'agent.context', provider: p.name, ms: Math.round(performance.now() - started) }, 'prompt context gathered');
      }
    }),
  );
  const memories: string[] = [];
  const cards: string[] = [];
  for (const r of results) {
    if (!r) continue;
    if (r.memories) memories.push(...r.memories);
    if (r.relationshipCard) cards.push(r.relationshipCard);
  }
  return { ...(memories.length ? { memories } : {}), ...(cards.length ? { relationshipCard: cards.join('\n') } : {}) };
}
