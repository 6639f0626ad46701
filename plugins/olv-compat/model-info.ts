import type { CharacterInfo } from './olv-session.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/** Ours map a hit area to one motion group; theirs map it to motion groups with weights. */
function tapMotions(v: unknown): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  if (isObject(v)) for (const [area, group] of Object.entries(v)) if (typeof group === 'string') out[area] = { [group]: 1 };
  return out;
}

/**
 * Their `model_info` (model_dict.json entry, live2d-config-context.tsx `ModelInfo`) from our
 * `/api/character` answer (our model_dict entry with the character's adjustments). Their
 * emotionMap values are an expression index or an expression name, as ours are.
 */
export function toModelInfo(body: unknown, activeCharacter: string): CharacterInfo {
  const b = isObject(body) ? body : {};
  const live2d = isObject(b.live2d) ? b.live2d : undefined;
  const emotionIndex: Record<string, number | string> = {};
  if (live2d && isObject(live2d.emotion_map)) {
    for (const [k, v] of Object.entries(live2d.emotion_map)) if (typeof v === 'number' || (typeof v === 'string' && v !== '')) emotionIndex[k] = v;
  }
  const modelInfo = live2d
    ? {
        name: live2d.name,
        description: '',
        url: live2d.url,
        kScale: num(live2d.scale, 1) * 0.5,
        initialXshift: 0,
        initialYshift: 0,
        idleMotionGroupName: typeof live2d.idle_motion_group === 'string' ? live2d.idle_motion_group : 'idle',
        emotionMap: emotionIndex,
        tapMotions: tapMotions(live2d.tap_motions),
      }
    : null;
  const name = typeof b.name === 'string' ? b.name : activeCharacter;
  const displayName = typeof b.displayName === 'string' && b.displayName !== '' ? b.displayName : name;
  // Their client finds the file of the running config by its conf_name in `config-files`, where we list display names.
  return { confName: displayName, confUid: name, displayName, modelInfo, emotionIndex };
}
