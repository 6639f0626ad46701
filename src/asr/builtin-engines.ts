import { registerAsrEngine, getAsrEngineFactory } from './engine-registry.ts';
import { remoteAsrFactory } from './remote-engine.ts';
import { offlineEngineFactories } from './sherpa-offline-engine.ts';
import { streamingEngineFactories } from './sherpa-streaming-engine.ts';

/** Registers the built-in engines once (idempotent). */
export function registerBuiltinAsrEngines(): void {
  for (const f of [...streamingEngineFactories(), ...offlineEngineFactories(), remoteAsrFactory]) {
    if (!getAsrEngineFactory(f.name)) registerAsrEngine(f);
  }
}
