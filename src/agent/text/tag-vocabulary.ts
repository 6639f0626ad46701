import type { TagEvent } from './tag-parser.ts';

export type ResolvedTag = { kind: 'emotion'; name: string; intensity?: number } | { kind: 'motion'; name: string } | { kind: 'stage'; name: string };

/** Common words models use for the default emotions; only applied when the target is in the vocabulary. */
const EMOTION_ALIASES: Readonly<Record<string, string>> = {
  calm: 'neutral', normal: 'neutral', default: 'neutral', idle: 'neutral',
  glad: 'happy', smile: 'happy', smiling: 'happy', cheerful: 'happy', content: 'happy', pleased: 'happy',
  excited: 'joy', laugh: 'joy', laughing: 'joy', delighted: 'joy', ecstatic: 'joy', hype: 'joy',
  sorrow: 'sad', crying: 'sad', cry: 'sad', upset: 'sad', disappointed: 'sad',
  mad: 'angry', annoyed: 'angry', furious: 'angry', pout: 'angry', pouting: 'angry',
  surprise: 'surprised', shocked: 'surprised', amazed: 'surprised', wow: 'surprised',
  smirk: 'smug', cocky: 'smug', proud: 'smug', teasing: 'smug', mischievous: 'smug',
  blush: 'shy', blushing: 'shy', embarrassed: 'shy', flustered: 'shy',
  fear: 'scared', afraid: 'scared', nervous: 'scared', anxious: 'scared',
  disgust: 'disgusted', gross: 'disgusted', eww: 'disgusted',
  think: 'thinking', confused: 'thinking', curious: 'thinking', pondering: 'thinking', hmm: 'thinking',
  tired: 'sleepy', sleep: 'sleepy', bored: 'sleepy', yawn: 'sleepy',
};

const MOTION_ALIASES: Readonly<Record<string, string>> = {
  waving: 'wave', waves: 'wave', hello: 'wave', bye: 'wave',
  nodding: 'nod', nods: 'nod', yes: 'nod',
  shake: 'shake_head', no: 'shake_head', headshake: 'shake_head',
  bowing: 'bow', bows: 'bow',
  jumping: 'jump', hop: 'jump', bounce: 'jump',
  tilt: 'tilt_head', head_tilt: 'tilt_head',
};

const STAGE_NAME = /^[a-z0-9_]{1,32}$/;

/** Maps parsed tags to the character's emotion and motion vocabulary. */
export class TagVocabulary {
  private readonly emotions: ReadonlySet<string>;
  private readonly motions: ReadonlySet<string>;

  constructor(emotions: readonly string[], motions: readonly string[]) {
    this.emotions = new Set(emotions);
    this.motions = new Set(motions);
  }

  /** The mapped tag, or undefined when it names nothing the character knows (drop and log it). */
  resolve(tag: Extract<TagEvent, { type: 'tag' }>): ResolvedTag | undefined {
    const name = tag.name;
    switch (tag.kind) {
      case 'emotion': {
        const e = this.emotion(name);
        return e ? { kind: 'emotion', name: e, ...(tag.intensity !== undefined ? { intensity: tag.intensity } : {}) } : undefined;
      }
      case 'motion': {
        const m = this.motion(name);
        return m ? { kind: 'motion', name: m } : undefined;
      }
      case 'stage':
        return STAGE_NAME.test(name) ? { kind: 'stage', name } : undefined;
      case 'bare': {
        const e = this.emotion(name);
        if (e) return { kind: 'emotion', name: e };
        const m = this.motion(name);
        return m ? { kind: 'motion', name: m } : undefined;
      }
    }
  }

  private emotion(name: string): string | undefined {
    if (this.emotions.has(name)) return name;
    const alias = EMOTION_ALIASES[name];
    return alias && this.emotions.has(alias) ? alias : undefined;
  }

  private motion(name: string): string | undefined {
    if (this.motions.has(name)) return name;
    const alias = MOTION_ALIASES[name];
    return alias && this.motions.has(alias) ? alias : undefined;
  }
}
