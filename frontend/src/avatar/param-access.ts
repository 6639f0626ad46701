import type { ParamAccess } from './face-params.ts';

interface Cubism2Core {
  getParamFloat(id: string): number;
  setParamFloat(id: string, v: number): unknown;
}
interface Cubism4Core {
  getParameterIndex(id: string): number;
  getParameterCount(): number;
  getParameterValueById(id: string): number;
  setParameterValueById(id: string, v: number): void;
}

const isCubism4 = (core: object): core is Cubism4Core => typeof (core as Partial<Cubism4Core>).setParameterValueById === 'function';
const isCubism2 = (core: object): core is Cubism2Core => typeof (core as Partial<Cubism2Core>).setParamFloat === 'function';

/** Parameter access for a Cubism 2 or Cubism 4 core model. */
export function paramAccess(core: object): ParamAccess {
  if (isCubism4(core)) {
    const known = new Map<string, boolean>();
    return {
      has: (id) => {
        let v = known.get(id);
        if (v === undefined) {
          v = core.getParameterIndex(id) < core.getParameterCount();
          known.set(id, v);
        }
        return v;
      },
      get: (id) => core.getParameterValueById(id),
      set: (id, v) => core.setParameterValueById(id, v),
    };
  }
  if (isCubism2(core)) {
    // NOTE: the Cubism 2 runtime has no way to ask whether a parameter exists (it creates missing ones),
    // so every id is driven; unknown ids are harmless.
    return { has: () => true, get: (id) => core.getParamFloat(id), set: (id, v) => void core.setParamFloat(id, v) };
  }
  throw new Error('unsupported Live2D core model');
}
