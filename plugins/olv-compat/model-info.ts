import type { CharacterInfo } from './olv-session.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/**
 * Their `model_info` from our `/api/character` answer (our model_dict entry with the character's
 * adjustments). Their emotionMap maps an emotion to an expression index, so only emotions we map
 * to an index are carried over; ones mapped to an expression name are left out.
 */
export function toModelInfo(body: unknown, activeCharacter: string): CharacterInfo {
  const b = isObject(body) ? body : {};
  const live2d = isObject(b.live2d) ? b.live2d : undefined;
  const emotionIndex: Record<string, number> = {};
  if (live2d && isObject(live2d.emotion_map)) {
    for (const [k, v] of Object.entries(live2d.emotion_map)) if (typeof v === 'number') emotionIndex[k] = v;
  }
  const modelInfo = live2d
    ? {
        name: live2d.name,
        description: '',
        url: live2d.url,
        kScale: num(live2d.scale, 1) * 0.5,
        initialXshift: 0,
        initialYshift: 0,
        kXOffset: num(live2d.offset_x, 0),
        idleMotionGroupName: typeof live2d.idle_motion_group === 'string' ? live2d.idle_motion_group : 'idle',
        emotionMap: emotionIndex,
        tapMotions: isObject(live2d.tap_motions) ? live2d.tap_motions : {},
      }
    : null;
  const name = typeof b.name === 'string' ? b.name : activeCharacter;
  return { confName: name, confUid: name, displayName: typeof b.displayName === 'string' ? b.displayName : name, modelInfo, emotionIndex };
}
