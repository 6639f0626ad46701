/**
 * THE emotion, motion and stage-cue vocabulary, shared by the daemon and the avatar page (the page's
 * bundle imports this file; it must stay free of Node imports). The daemon offers these names to the
 * LLM (persona defaults) and maps the words models actually write onto them; the page has one
 * animation for every name, typed as `Record<EmotionName | MotionName | StageCueName, ...>`, so a name
 * added here fails the typecheck until it has a visible effect.
 */

/** Emotions, each a face (and head pose) held until the next emotion. */
export const EMOTIONS = ['neutral', 'happy', 'joy', 'sad', 'angry', 'surprised', 'smug', 'shy', 'scared', 'disgusted', 'thinking', 'sleepy'] as const;
export type EmotionName = (typeof EMOTIONS)[number];

/** Motions, each a short gesture (about a second) played once. */
export const MOTIONS = ['wave', 'nod', 'shake_head', 'bow', 'jump', 'tilt_head'] as const;
export type MotionName = (typeof MOTIONS)[number];

/**
 * Stage cues the page acts on (idle motion energy). Any `[stage: name]` still reaches the bus as
 * `agent.stage_cue` for plugins (OBS); these are the ones the avatar itself understands.
 */
export const STAGE_CUES = ['hype', 'calm'] as const;
export type StageCueName = (typeof STAGE_CUES)[number];

/** Words models write for the emotions above. Applied only when the target is in the character's list. */
export const EMOTION_ALIASES: Readonly<Record<string, EmotionName>> = {
  calm: 'neutral', normal: 'neutral', default: 'neutral', idle: 'neutral',
  glad: 'happy', smile: 'happy', smiling: 'happy', cheerful: 'happy', content: 'happy', pleased: 'happy',
  excited: 'joy', laugh: 'joy', laughing: 'joy', delighted: 'joy', ecstatic: 'joy', hype: 'joy',
  sorrow: 'sad', sadness: 'sad', crying: 'sad', cry: 'sad', upset: 'sad', disappointed: 'sad',
  anger: 'angry', mad: 'angry', annoyed: 'angry', furious: 'angry', pout: 'angry', pouting: 'angry',
  surprise: 'surprised', shocked: 'surprised', amazed: 'surprised', wow: 'surprised',
  smirk: 'smug', cocky: 'smug', proud: 'smug', teasing: 'smug', mischievous: 'smug',
  blush: 'shy', blushing: 'shy', embarrassed: 'shy', flustered: 'shy',
  fear: 'scared', afraid: 'scared', nervous: 'scared', anxious: 'scared',
  disgust: 'disgusted', gross: 'disgusted', eww: 'disgusted',
  think: 'thinking', confused: 'thinking', curious: 'thinking', pondering: 'thinking', hmm: 'thinking',
  tired: 'sleepy', sleep: 'sleepy', bored: 'sleepy', yawn: 'sleepy',
  // Russian words a model speaking Russian may write despite the English list.
  нейтрально: 'neutral', спокойствие: 'neutral', счастье: 'happy', улыбка: 'happy', радость: 'joy', восторг: 'joy',
  грусть: 'sad', печаль: 'sad', злость: 'angry', гнев: 'angry', удивление: 'surprised', самодовольство: 'smug',
  смущение: 'shy', стеснение: 'shy', страх: 'scared', испуг: 'scared', отвращение: 'disgusted',
  задумчивость: 'thinking', размышление: 'thinking', сонливость: 'sleepy', усталость: 'sleepy',
};

/** Words models write for the motions above. */
export const MOTION_ALIASES: Readonly<Record<string, MotionName>> = {
  waving: 'wave', waves: 'wave', hello: 'wave', bye: 'wave', greet: 'wave',
  nodding: 'nod', nods: 'nod', yes: 'nod', agree: 'nod',
  shake: 'shake_head', shaking_head: 'shake_head', no: 'shake_head', headshake: 'shake_head', disagree: 'shake_head',
  bowing: 'bow', bows: 'bow',
  jumping: 'jump', hop: 'jump', bounce: 'jump',
  tilt: 'tilt_head', head_tilt: 'tilt_head', tilting_head: 'tilt_head',
  помахать: 'wave', машет: 'wave', кивок: 'nod', кивнуть: 'nod', покачать_головой: 'shake_head', качает_головой: 'shake_head',
  поклон: 'bow', поклониться: 'bow', прыжок: 'jump', прыгнуть: 'jump', наклон_головы: 'tilt_head', наклонить_голову: 'tilt_head',
};

const has = <T extends string>(list: readonly T[], name: string): name is T => (list as readonly string[]).includes(name);

export const isEmotionName = (name: string): name is EmotionName => has(EMOTIONS, name);
export const isMotionName = (name: string): name is MotionName => has(MOTIONS, name);
export const isStageCueName = (name: string): name is StageCueName => has(STAGE_CUES, name);

/** The vocabulary emotion for a tag name (exact or alias, case and spaces ignored), or undefined. */
export function canonicalEmotion(name: string): EmotionName | undefined {
  const key = normalize(name);
  if (isEmotionName(key)) return key;
  return Object.hasOwn(EMOTION_ALIASES, key) ? EMOTION_ALIASES[key] : undefined;
}

/** The vocabulary motion for a tag name (exact or alias), or undefined. */
export function canonicalMotion(name: string): MotionName | undefined {
  const key = normalize(name);
  if (isMotionName(key)) return key;
  return Object.hasOwn(MOTION_ALIASES, key) ? MOTION_ALIASES[key] : undefined;
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}
