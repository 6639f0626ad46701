import type { InputItem } from './input.ts';

/**
 * The seam between the agent's prompt builder and memory/relationships. Providers are called
 * before each reply with a short deadline; whatever they return in time goes into the prompt.
 */
export interface PromptContext {
  /** Recalled memories, most relevant first, as short sentences. */
  memories?: string[];
  /** A short card (≤ 200 tokens) about the current speaker. */
  relationshipCard?: string;
}

export interface PromptContextProvider {
  name: string;
  provide(input: InputItem, signal: AbortSignal): Promise<PromptContext>;
}

export class PromptContextRegistry {
  private readonly providers = new Set<PromptContextProvider>();

  register(provider: PromptContextProvider): () => void {
    this.providers.add(provider);
    return () => {
      this.providers.delete(provider);
    };
  }

  list(): PromptContextProvider[] {
    return [...this.providers];
  }
}

declare module './services.ts' {
  interface ServiceMap {
    promptContext: PromptContextRegistry;
  }
}
