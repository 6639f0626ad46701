import { canonicalEmotion, canonicalMotion } from '../../live2d/avatar-vocabulary.ts';
import type { TagEvent } from './tag-parser.ts';

export type ResolvedTag = { kind: 'emotion'; name: string; intensity?: number } | { kind: 'motion'; name: string } | { kind: 'stage'; name: string };

const STAGE_NAME = /^[a-z0-9_]{1,32}$/;

/**
 * Maps parsed tags to the character's emotion and motion lists: exact names first, then the shared
 * aliases (src/live2d/avatar-vocabulary.ts) when their target is in the character's list.
 */
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
    const canonical = canonicalEmotion(name);
    return canonical && this.emotions.has(canonical) ? canonical : undefined;
  }

  private motion(name: string): string | undefined {
    if (this.motions.has(name)) return name;
    const canonical = canonicalMotion(name);
    return canonical && this.motions.has(canonical) ? canonical : undefined;
  }
}
