import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputFilter } from '../../src/agent/safety/output-filter.ts';

const soft = new OutputFilter(false);
const spicy = new OutputFilter(true);

/** [input, softened output] with spicy_mode off. */
const RU_HITS: ReadonlyArray<readonly [string, string]> = [
  ['Ну бля, это пиздец.', 'Ну блин, это капец.'],
  ['Блять, опять умерла', 'Блин, опять умерла'],
  ['блядь, какой лаг', 'блин, какой лаг'],
  ['Иди нахуй со своими спойлерами', 'Иди нафиг со своими спойлерами'],
  ['мне похуй', 'мне пофиг'],
  ['нихуя себе босс', 'нифига себе босс'],
  ['Охуенно сыграли!', 'Офигенно сыграли!'],
  ['я охуела от этого', 'я офигела от этого'],
  ['какая-то хуйня', 'какая-то фигня'],
  ['хуёвый респаун', 'фиговый респаун'],
  ['ХУЙНЯ какая-то', 'ФИГНЯ какая-то'],
  ['полный пиздец', 'полный капец'],
  ['он спиздил мой лут', 'он стащил мой лут'],
  ['пиздёж и провокация', 'фигня и провокация'],
  ['ты меня заебал', 'ты меня задолбал'],
  ['всё заебись', 'всё зашибись'],
  ['этот ебанутый босс', 'этот долбанутый босс'],
  ['Ёбаный лаг', 'Долбаный лаг'],
  ['он съебался в закат', 'он свалил в закат'],
  ['вот сука', 'вот зараза'],
  ['эти суки опять', 'эти заразы опять'],
  ['он мудак', 'он балбес'],
];

/** Ordinary words that share first letters with mat roots: never touched. */
const RU_CLEAN = [
  'худой кот спит',
  'художник нарисовал арт',
  'Художественный фильм',
  'хуже некуда',
  'на хуторе тихо',
  'хурма вкусная',
  'хулиган из чата',
  'чихуахуа лает',
  'Хуан из Испании',
  'бляха-муха, опять',
  'бляшка на ремне',
  'сукно и сук дерева, сучок',
  'мудрый совет',
  'себе и тебе по печеньке',
  'небо и хлеб',
  'похуже, но сойдёт',
];

const EN_HITS: ReadonlyArray<readonly [string, string]> = [
  ['What the fuck, that is shit.', 'What the frick, that is shoot.'],
  ['Fucking lag again', 'Freaking lag again'],
  ['that was bullshit', 'that was nonsense'],
  ['damn it', 'dang it'],
  ['what an asshole', 'what an jerk'],
  ['you bastard', 'you rascal'],
];

const EN_CLEAN = ['Scunthorpe is a town', 'first class passage', 'assess the shiitake', 'a cocktail by Dickens', 'grass and glass', 'damnation is a word'];

test('Russian mat is softened in its inflected forms with spicy_mode off', () => {
  for (const [input, expected] of RU_HITS) {
    const r = soft.apply(input);
    assert.equal(r.text, expected, input);
    assert.ok(r.softened >= 1, input);
  }
});

test('ordinary Russian words that start like mat roots are left alone', () => {
  for (const line of RU_CLEAN) {
    const r = soft.apply(line);
    assert.equal(r.text, line, line);
    assert.equal(r.softened, 0, line);
  }
});

test('English profanity is softened and ordinary English words are left alone', () => {
  for (const [input, expected] of EN_HITS) assert.equal(soft.apply(input).text, expected, input);
  for (const line of EN_CLEAN) assert.deepEqual(soft.apply(line), { text: line, blocked: false, softened: 0 }, line);
});

test('spicy_mode on keeps the words as they are, in both languages', () => {
  for (const [input] of [...RU_HITS, ...EN_HITS]) assert.equal(spicy.apply(input).text, input);
});

test('slurs block the reply in both languages whatever spicy_mode says', () => {
  for (const f of [soft, spicy]) {
    assert.equal(f.apply('ты пидор').blocked, true);
    assert.equal(f.apply('you f4gg0t').blocked, true);
    assert.equal(f.apply('пидорасы').blocked, true);
  }
});
