import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamSegmenter, type SegmenterOptions } from './segmenter.ts';

const EN: SegmenterOptions = { locale: 'en', firstClauseMaxWords: 4, maxSegmentChars: 220 };
const RU: SegmenterOptions = { ...EN, locale: 'ru' };

/** Feeds text in small chunks (as a model streams it) and collects every piece. */
function run(text: string, opts: SegmenterOptions = EN, chunk = 3): string[] {
  const seg = new StreamSegmenter(opts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...seg.push(text.slice(i, i + chunk)).map((p) => p.text));
  out.push(...seg.flush().map((p) => p.text));
  return out;
}

test('the first piece ends at the first comma, then whole sentences follow', () => {
  assert.deepEqual(run('Oh wow, that is amazing. Tell me more! What happened next?'), ['Oh wow,', 'that is amazing.', 'Tell me more!', 'What happened next?']);
});

test('the first piece is cut after about four words when no comma comes', () => {
  assert.deepEqual(run('I really think that this game is the best one ever made.'), ['I really think that', 'this game is the best one ever made.']);
});

test('a dash ends the first clause', () => {
  assert.deepEqual(run('Well — I did not expect that. Nope.'), ['Well', '— I did not expect that.', 'Nope.']);
});

test('abbreviations and decimals do not end a sentence', () => {
  const pieces = run('Hi, I met Mr. Smith at 3.5 p.m. yesterday, e.g. at the cafe. Then Dr. Who came by. It was fun.');
  assert.deepEqual(pieces, ['Hi,', 'I met Mr. Smith at 3.5 p.m. yesterday, e.g. at the cafe.', 'Then Dr. Who came by.', 'It was fun.']);
});

test('an ellipsis followed by a lower-case word continues the sentence', () => {
  assert.deepEqual(run('Hey, well... maybe later. Okay... Fine.'), ['Hey,', 'well... maybe later.', 'Okay...', 'Fine.']);
});

test('Russian: first clause, abbreviations т.е. and г., sentences', () => {
  const pieces = run('Привет, как дела? Я живу в г. Москве, т.е. в столице. Это здорово!', RU);
  assert.deepEqual(pieces, ['Привет,', 'как дела?', 'Я живу в г. Москве, т.е. в столице.', 'Это здорово!']);
});

test('Russian words count as words for the first-clause cut', () => {
  assert.deepEqual(run('Сегодня мы будем играть в новую игру.', RU), ['Сегодня мы будем играть', 'в новую игру.']);
});

test('closing quotes stay with their sentence', () => {
  assert.deepEqual(run('Hi! She said "no way." Then left.'), ['Hi!', 'She said "no way."', 'Then left.']);
});

test('CJK full-width terminators cut without a following space', () => {
  assert.deepEqual(run('こんにちは。元気ですか？はい。', { ...EN, locale: 'ja' }), ['こんにちは。', '元気ですか？', 'はい。']);
});

test('an over-long sentence is cut at a comma within the limit', () => {
  const long = `Okay, ${'word '.repeat(30)}and then, ${'more '.repeat(30)}end.`;
  const pieces = run(long, { ...EN, maxSegmentChars: 200 });
  assert.ok(pieces.every((p) => p.length <= 200), 'no piece is longer than the limit');
  assert.equal(pieces.join(' ').replace(/\s+/g, ' '), long.replace(/\s+/g, ' ').trim());
});

test('piece offsets point at the text in the whole stream', () => {
  const seg = new StreamSegmenter(EN);
  const text = 'Hello there, friend. Bye.';
  const pieces = [...seg.push(text), ...seg.flush()];
  for (const p of pieces) assert.equal(text.slice(p.start, p.end), p.text);
});

test('chunking does not change the result', () => {
  const text = 'Well, this is a test of streaming. It works, right? Yes... it does. Mr. Bean agrees.';
  const whole = run(text, EN, 1000);
  for (const size of [1, 2, 5, 7]) assert.deepEqual(run(text, EN, size), whole);
});
