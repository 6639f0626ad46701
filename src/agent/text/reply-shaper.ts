import type { Logger } from 'pino';
import type { ReplySegment } from '../../core/speech.ts';
import type { OutputFilter } from '../safety/output-filter.ts';
import { StreamSegmenter, type SegmenterOptions } from './segmenter.ts';
import { isSpeakable, toSpokenText } from './spoken-text.ts';
import { TagStreamParser } from './tag-parser.ts';
import type { ResolvedTag, TagVocabulary } from './tag-vocabulary.ts';

export interface ShaperOptions {
  segmenter: SegmenterOptions;
  vocabulary: TagVocabulary;
  filter: OutputFilter;
  /** Spoken instead of a blocked reply. */
  deflection: string;
  log: Logger;
}

/** A reply segment plus the stage cues that go with it (those go on the bus, not to TTS). */
export interface ShapedSegment extends ReplySegment {
  stageCues: string[];
}

interface PendingTag {
  at: number;
  tag: ResolvedTag;
}

/**
 * Model text in, clean reply segments out: tags become the segment's emotion/motions (aligned to
 * the text they precede), `<think>` and markup never reach the text, every segment passes the
 * output filter. After a blocked segment the shaper only ever returns the deflection.
 */
export class ReplyShaper {
  private readonly parser = new TagStreamParser();
  private readonly segmenter: StreamSegmenter;
  private pending: PendingTag[] = [];
  private nextIndex = 0;
  private blockedValue = false;
  readonly spoken: string[] = [];
  readonly emotions: string[] = [];
  private thinkChars = 0;

  constructor(private readonly opts: ShaperOptions) {
    this.segmenter = new StreamSegmenter(opts.segmenter);
  }

  /** True once a segment was blocked; the caller should stop generation. */
  get blocked(): boolean {
    return this.blockedValue;
  }

  get segmentCount(): number {
    return this.nextIndex;
  }

  /** Everything spoken so far, as one string. */
  get text(): string {
    return this.spoken.join(' ');
  }

  /** Characters of hidden reasoning seen (logged as a count, never the content). */
  get hiddenReasoningChars(): number {
    return this.thinkChars;
  }

  push(text: string): ShapedSegment[] {
    if (this.blockedValue) return [];
    const out: ShapedSegment[] = [];
    for (const ev of this.parser.push(text)) this.take(ev, out);
    return out;
  }

  /** Reasoning that came as its own chunk kind (not inline <think>). */
  reasoning(text: string): void {
    this.thinkChars += text.length;
  }

  /** Ends the reply. Returns the last segments; tags after the last words come back as `trailing`. */
  finish(): { segments: ShapedSegment[]; trailing: ResolvedTag[] } {
    if (this.blockedValue) return { segments: [], trailing: [] };
    const out: ShapedSegment[] = [];
    for (const ev of this.parser.flush()) this.take(ev, out);
    for (const piece of this.segmenter.flush()) this.emit(piece.text, piece.end, out);
    const trailing = this.pending.map((p) => p.tag);
    this.pending = [];
    return { segments: out, trailing };
  }

  private take(ev: ReturnType<TagStreamParser['push']>[number], out: ShapedSegment[]): void {
    if (this.blockedValue) return;
    switch (ev.type) {
      case 'text':
        for (const piece of this.segmenter.push(ev.text)) {
          this.emit(piece.text, piece.end, out);
          if (this.blockedValue) return;
        }
        return;
      case 'think':
        this.thinkChars += ev.text.length;
        return;
      case 'action':
        this.opts.log.debug({ event: 'agent.action_dropped', chars: ev.text.length }, 'roleplay action removed from speech');
        return;
      case 'tag': {
        const tag = this.opts.vocabulary.resolve(ev);
        if (!tag) {
          this.opts.log.info({ event: 'agent.tag_unknown', tag: ev.raw.slice(0, 48) }, 'unknown tag dropped');
          return;
        }
        this.pending.push({ at: this.segmenter.length, tag });
        return;
      }
    }
  }

  private emit(raw: string, end: number, out: ShapedSegment[]): void {
    const tags: ResolvedTag[] = [];
    this.pending = this.pending.filter((p) => {
      if (p.at < end) {
        tags.push(p.tag);
        return false;
      }
      return true;
    });
    const clean = toSpokenText(raw);
    if (!isSpeakable(clean)) {
      // Nothing to say: keep the tags for the next segment.
      this.pending.unshift(...tags.map((tag) => ({ at: -1, tag })));
      return;
    }
    const filtered = this.opts.filter.apply(clean);
    if (filtered.blocked) {
      this.blockedValue = true;
      this.opts.log.warn({ event: 'agent.output_blocked', segment: this.nextIndex }, 'reply blocked by the output filter');
      out.push(this.segment(this.opts.deflection, [{ kind: 'emotion', name: this.fallbackEmotion() }]));
      return;
    }
    if (filtered.softened > 0) this.opts.log.info({ event: 'agent.output_softened', count: filtered.softened }, 'profanity softened');
    out.push(this.segment(filtered.text, tags));
  }

  private fallbackEmotion(): string {
    return this.opts.vocabulary.resolve({ type: 'tag', kind: 'emotion', name: 'neutral', raw: '' })?.name ?? 'neutral';
  }

  private segment(text: string, tags: ResolvedTag[]): ShapedSegment {
    let emotion: ReplySegment['emotion'];
    const motions: string[] = [];
    const stageCues: string[] = [];
    for (const t of tags) {
      if (t.kind === 'emotion') emotion = { name: t.name, ...(t.intensity !== undefined ? { intensity: t.intensity } : {}) };
      else if (t.kind === 'motion') motions.push(t.name);
      else stageCues.push(t.name);
    }
    if (emotion) this.emotions.push(emotion.name);
    this.spoken.push(text);
    return { index: this.nextIndex++, text, ...(emotion ? { emotion } : {}), ...(motions.length ? { motions } : {}), stageCues };
  }
}
