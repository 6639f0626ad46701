import { registerAsrEngine, getAsrEngineFactory } from './engine-registry.ts';
import { remoteAsrFactory } from './remote-engine.ts';
import { offlineEngineFactories } from './sherpa-offline-engine.ts';
import { zipformerStreamingFactory } from './sherpa-streaming-engine.ts';

/** Registers the built-in engines once (idempotent). */
export function registerBuiltinAsrEngines(): void {
  for (const f of [zipformerStreamingFactory, ...offlineEngineFactories(), remoteAsrFactory]) {
    if (!getAsrEngineFactory(f.name)) registerAsrEngine(f);
  }
}
