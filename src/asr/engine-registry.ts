import type { AsrEngineFactory } from './asr-engine.ts';

const factories = new Map<string, AsrEngineFactory>();

/** Adds an engine (built-in engines register on import; tests and plugins may add their own). */
export function registerAsrEngine(factory: AsrEngineFactory): () => void {
  if (factories.has(factory.name)) throw new Error(`ASR engine "${factory.name}" is already registered`);
  factories.set(factory.name, factory);
  return () => {
    if (factories.get(factory.name) === factory) factories.delete(factory.name);
  };
}

export function getAsrEngineFactory(name: string): AsrEngineFactory | undefined {
  return factories.get(name);
}

export function listAsrEngines(): AsrEngineFactory[] {
  return [...factories.values()].sort((a, b) => a.name.localeCompare(b.name));
}
