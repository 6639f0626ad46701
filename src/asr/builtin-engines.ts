import type { AsrEngineFactory } from './asr-engine.ts';
import { registerAsrEngine, getAsrEngineFactory } from './engine-registry.ts';
import { remoteAsrFactory } from './remote-engine.ts';
import { offlineEngineFactories } from './sherpa-offline-engine.ts';
import { streamingEngineFactories } from './sherpa-streaming-engine.ts';

const builtins = (): AsrEngineFactory[] => [...streamingEngineFactories(), ...offlineEngineFactories(), remoteAsrFactory];

/** Registers the built-in engines once (idempotent). */
export function registerBuiltinAsrEngines(): void {
  for (const f of builtins()) {
    if (!getAsrEngineFactory(f.name)) registerAsrEngine(f);
  }
}

/** True for the engines a worker thread can build by name (plugins' and tests' engines exist only in the main thread). */
export function isBuiltinAsrEngine(name: string): boolean {
  return builtins().some((f) => f.name === name);
}
