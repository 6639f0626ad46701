import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { OutputFilter } from '../safety/output-filter.ts';
import { ReplyShaper, type ShapedSegment } from './reply-shaper.ts';
import { TagStreamParser, type TagEvent } from './tag-parser.ts';
import { TagVocabulary } from './tag-vocabulary.ts';
import { DEFAULT_EMOTIONS, DEFAULT_MOTIONS } from '../persona-schema.ts';

function parseAll(chunks: string[]): TagEvent[] {
  const p = new TagStreamParser();
  const out = chunks.flatMap((c) => p.push(c));
  out.push(...p.flush());
  // merge adjacent text events for easy comparison
  const merged: TagEvent[] = [];
  for (const ev of out) {
    const last = merged[merged.length - 1];
    if (ev.type === 'text' && last?.type === 'text') last.text += ev.text;
    else merged.push({ ...ev });
  }
  return merged;
}

function everySplit(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

test('keyed and bare tags come out as tag events, text stays text', () => {
  const events = parseAll(['[emotion: happy] Hi there! [motion: wave] [stage: hype][smug] Done.']);
  assert.deepEqual(events, [
    { type: 'tag', kind: 'emotion', name: 'happy', raw: '[emotion: happy]' },
    { type: 'text', text: ' Hi there! ' },
    { type: 'tag', kind: 'motion', name: 'wave', raw: '[motion: wave]' },
    { type: 'text', text: ' ' },
    { type: 'tag', kind: 'stage', name: 'hype', raw: '[stage: hype]' },
    { type: 'tag', kind: 'bare', name: 'smug', raw: '[smug]' },
    { type: 'text', text: ' Done.' },
  ]);
});

test('a tag split across chunks at any point is still one tag', () => {
  const text = 'Ok [emotion:sad 0.4] fine';
  for (const split of everySplit(text)) {
    const events = parseAll(split);
    assert.deepEqual(events, [
      { type: 'text', text: 'Ok ' },
      { type: 'tag', kind: 'emotion', name: 'sad', intensity: 0.4, raw: '[emotion:sad 0.4]' },
      { type: 'text', text: ' fine' },
    ], `split at ${split[0]?.length}`);
  }
});

test('<think> content is separated from spoken text, also when split', () => {
  const text = '<think>plan the joke</think>Hello!';
  for (const split of everySplit(text)) {
    const events = parseAll(split);
    const spoken = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('');
    const thought = events.filter((e) => e.type === 'think').map((e) => (e as { text: string }).text).join('');
    assert.equal(spoken, 'Hello!');
    assert.equal(thought, 'plan the joke');
  }
});

test('bold markers are removed, single-star actions are dropped', () => {
  const events = parseAll(['This is **so** cool *waves happily* right?']);
  const spoken = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('');
  assert.equal(spoken, 'This is so cool  right?');
  assert.ok(events.some((e) => e.type === 'action' && e.text === 'waves happily'));
});

test('Russian bare tags and text', () => {
  const events = parseAll(['[emotion: joy] Прив', 'ет всем! [эмоция]']);
  assert.equal(events[0]?.type, 'tag');
  assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join(''), ' Привет всем! ');
});

test('an unclosed bracket is not spoken and does not swallow the rest', () => {
  const events = parseAll(['I have [ a lot of things to say here that go on and on and on for a while ok']);
  const spoken = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('');
  assert.equal(spoken, 'I have  a lot of things to say here that go on and on and on for a while ok');
});

function shaper(spicy = false): ReplyShaper {
  return new ReplyShaper({
    segmenter: { locale: 'en', firstClauseMaxWords: 4, maxSegmentChars: 220 },
    vocabulary: new TagVocabulary(DEFAULT_EMOTIONS, DEFAULT_MOTIONS),
    filter: new OutputFilter(spicy),
    deflection: "Let's keep it friendly.",
    log: pino({ level: 'silent' }),
  });
}

function shapeAll(s: ReplyShaper, chunks: string[]): { segments: ShapedSegment[]; trailing: string[] } {
  const segments = chunks.flatMap((c) => s.push(c));
  const end = s.finish();
  return { segments: [...segments, ...end.segments], trailing: end.trailing.map((t) => t.name) };
}

test('tags align to the segment they precede and never reach the text', () => {
  const { segments } = shapeAll(shaper(), ['[emo', 'tion: happy] Hi chat, good to ', 'see you! [motion: wave][surprised] Wow, ', 'a raid? [bogus_tag] **Welcome** :sparkles: 🎉 all!']);
  assert.deepEqual(
    segments.map((s) => ({ text: s.text, emotion: s.emotion?.name, motions: s.motions })),
    [
      { text: 'Hi chat,', emotion: 'happy', motions: undefined },
      { text: 'good to see you!', emotion: undefined, motions: undefined },
      { text: 'Wow, a raid?', emotion: 'surprised', motions: ['wave'] },
      { text: 'Welcome all!', emotion: undefined, motions: undefined },
    ],
  );
  for (const s of segments) assert.doesNotMatch(s.text, /[[\]*:🎉]/u);
});

test('aliases map to the vocabulary; unknown names are dropped', () => {
  const { segments } = shapeAll(shaper(), ['[excited] Yes! [emotion: flabbergasted] No.']);
  assert.equal(segments[0]?.emotion?.name, 'joy');
  assert.equal(segments[1]?.emotion, undefined);
});

test('tags after the last words come back as trailing', () => {
  const { segments, trailing } = shapeAll(shaper(), ['Bye now! [motion: wave]']);
  assert.equal(segments.length, 1);
  assert.deepEqual(trailing, ['wave']);
});

test('profanity is softened with spicy_mode off and kept with it on', () => {
  assert.equal(shapeAll(shaper(false), ['What the fuck, that is shit.']).segments.map((s) => s.text).join(' '), 'What the frick, that is shoot.');
  assert.equal(shapeAll(shaper(true), ['What the fuck, that is shit.']).segments.map((s) => s.text).join(' '), 'What the fuck, that is shit.');
  assert.equal(shapeAll(shaper(false), ['Ну бля, это пиздец.']).segments.map((s) => s.text).join(' '), 'Ну блин, это капец.');
});

test('a slur blocks the reply: the deflection is spoken and nothing after it', () => {
  const s = shaper(true);
  const { segments } = shapeAll(s, ['Sure, you are a f4gg0t and more text. Even more.']);
  assert.deepEqual(segments.map((x) => x.text), ['Sure,', "Let's keep it friendly."]);
  assert.ok(s.blocked);
});

test('Russian tag words map to the shared vocabulary in a Russian reply', () => {
  const { segments } = shapeAll(shaper(), ['[эмоция: радость] Привет всем! [жест: покачать головой] Нет, ', 'так нельзя. [смущение] Спасибо.']);
  assert.deepEqual(
    segments.map((s) => ({ emotion: s.emotion?.name, motions: s.motions })),
    [
      { emotion: 'joy', motions: undefined },
      { emotion: undefined, motions: ['shake_head'] },
      { emotion: 'shy', motions: undefined },
    ],
  );
});
