import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT_DIR } from '../../config/env.ts';
import { CharacterConfigSchema, type CharacterConfig } from '../../config-schema.ts';
import type { StoredMessage } from '../history/history-store.ts';
import { renderInput } from './input-render.ts';
import { buildPrompt } from './prompt-builder.ts';
import { messageTokens } from './tokens.ts';

const SNAP_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '__snapshots__');

function character(name: string): { c: CharacterConfig; persona: string } {
  const c = CharacterConfigSchema.parse(parse(readFileSync(path.join(ROOT_DIR, 'characters', `${name}.yaml`), 'utf8')));
  const persona = c.persona_prompt ? readFileSync(path.join(ROOT_DIR, 'prompts', c.persona_prompt), 'utf8') : '';
  return { c, persona };
}

let nextId = 1;
function msg(role: 'user' | 'assistant', text: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  return { id: nextId++, conversationId: 'c', role, source: role === 'user' ? 'voice' : 'reply', userId: null, userName: null, text, fullText: null, interrupted: false, emotions: [], timings: {}, usage: null, turnId: null, createdAt: 0, ...extra };
}

const HISTORY: StoredMessage[] = [
  msg('user', 'Good morning! Did you sleep well?'),
  msg('assistant', 'I do not sleep, I defragment. But thank you for asking!'),
  msg('user', 'Kira in chat: what game are we playing today?'),
  msg('assistant', 'Something cozy, Kira. Farming, probably, and some crop-related drama.'),
  msg('user', 'Tell me a long story about dragons.'),
  msg('assistant', 'Once upon a time, a dragon', { interrupted: true, fullText: 'Once upon a time, a dragon collected teacups.' }),
  msg('user', 'Sorry, go on, but shorter.'),
  msg('assistant', 'Short version: dragon, teacups, happy ending.'),
];

/** The same conversation in Russian, for Нейри (language: ru). */
const HISTORY_RU: StoredMessage[] = [
  msg('user', 'Доброе утро! Как спалось?'),
  msg('assistant', 'Я не сплю, я дефрагментируюсь. Но спасибо, что спросил!'),
  msg('user', 'Кира в чате: во что сегодня играем?'),
  msg('assistant', 'Во что-нибудь уютное, Кира. Фермы, скорее всего, и немного драмы с урожаем.'),
  msg('user', 'Расскажи длинную историю про драконов.'),
  msg('assistant', 'Жил-был дракон, и', { interrupted: true, fullText: 'Жил-был дракон, и он собирал чашки.' }),
  msg('user', 'Прости, продолжай, но короче.'),
  msg('assistant', 'Короче: дракон, чашки, счастливый конец.'),
];

/** What each snapshot character hears, in its own language. */
const CASES = {
  default: {
    history: HISTORY,
    input: 'haha did you just call the creator a gremlin?',
    card: 'Kira: regular viewer since March, loves farming games, teases Neiri about her singing.',
    memories: ['Kira said her cat is named Biscuit.', 'Last stream ended with a karaoke duel.'],
    newest: 'Short version: dragon, teacups, happy ending.',
  },
  neiri: {
    history: HISTORY_RU,
    input: 'ахах ты что, назвала создателя гремлином?',
    card: 'Кира: постоянная зрительница с марта, любит фермы, подшучивает над пением Нейри.',
    memories: ['Кира говорила, что её кошку зовут Бисквит.', 'Прошлый стрим закончился караоке-дуэлью.'],
    newest: 'Короче: дракон, чашки, счастливый конец.',
  },
} as const;

function render(messages: ReturnType<typeof buildPrompt>['messages']): string {
  return messages.map((m) => `### ${m.role}\n${m.content}`).join('\n\n') + '\n';
}

function matchSnapshot(name: string, text: string): void {
  const file = path.join(SNAP_DIR, `${name}.txt`);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(SNAP_DIR, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `snapshot ${file} is missing: run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(text, readFileSync(file, 'utf8'), `prompt differs from ${path.relative(ROOT_DIR, file)} (UPDATE_SNAPSHOTS=1 to accept)`);
}

for (const name of ['default', 'neiri'] as const) {
  const k = CASES[name];
  for (const withContext of [false, true]) {
    test(`prompt snapshot: ${name} ${withContext ? 'with relationship card and memories' : 'without context'}, history under a 120-token budget`, () => {
      const { c: base, persona } = character(name);
      const c = { ...base, history_token_budget: 120 };
      const input = { id: 'i', kind: 'chat' as const, text: k.input, user: { id: 'twitch:1', displayName: name === 'neiri' ? 'Кира' : 'Kira', platform: 'twitch' as const }, receivedAt: 0 };
      const context = withContext ? { relationshipCard: k.card, memories: [...k.memories] } : {};
      const built = buildPrompt({ character: c, persona, userContent: renderInput(input, c).content, history: k.history, context, interruptMarker: '[interrupted]' });
      assert.ok(built.stats.historyTokens <= 120, 'history stays within the budget');
      assert.ok(built.stats.droppedMessages > 0, 'the oldest messages were dropped');
      const dialogue = built.messages.slice(1, -1);
      assert.equal(dialogue.at(-1)?.content, k.newest, 'the newest history is kept');
      matchSnapshot(`${name}${withContext ? '-context' : ''}`, render(built.messages));
    });
  }
}

test('the sliding window drops the oldest messages first and never exceeds the budget', () => {
  const { c: base } = character('default');
  for (const budget of [0, 30, 60, 200, 10_000]) {
    const built = buildPrompt({ character: { ...base, history_token_budget: budget }, persona: '', userContent: 'hi', history: HISTORY, context: {}, interruptMarker: '[interrupted]' });
    const window = built.messages.slice(1, -1);
    const used = window.reduce((n, m) => n + messageTokens(m.content), 0);
    assert.ok(used <= budget);
    assert.equal(window.length + built.stats.droppedMessages, HISTORY.length);
    const expected = HISTORY.slice(HISTORY.length - window.length).map((m) => m.text);
    assert.deepEqual(window.map((m) => m.content.replace(' [interrupted]', '')), expected);
  }
});

test('an interrupted reply is rendered with exactly one marker, an empty one as the marker alone', () => {
  const { c } = character('default');
  const history = [msg('user', 'a'), msg('assistant', 'Heard part', { interrupted: true }), msg('user', 'b'), msg('assistant', '', { interrupted: true })];
  const built = buildPrompt({ character: c, persona: '', userContent: 'c', history, context: {}, interruptMarker: '[interrupted]' });
  assert.deepEqual(built.messages.slice(1).map((m) => m.content), ['a', 'Heard part [interrupted]', 'b', '[interrupted]', 'c']);
});

test("event templates are filled from the input's fields, in the character's language", () => {
  const { c } = character('default');
  // As the donation sources build it: `text` describes the event for logs, `message` is the viewer's.
  const r = renderInput({ id: 'x', kind: 'donation', text: 'Mo donated 5 USD. They said: keep it up', user: { id: 'twitch:9', displayName: 'Mo', platform: 'twitch' }, receivedAt: 0, amount: 5, currency: 'USD', message: 'keep it up' }, c);
  assert.equal(r.content, '[event] Mo just donated 5 USD. Their message: "keep it up". Thank them warmly and react to the message.');
  const p = renderInput({ id: 'y', kind: 'proactive', text: '', user: { id: 'system:agent', displayName: 'System', platform: 'system' }, receivedAt: 0 }, c);
  assert.equal(p.store, false, 'proactive prompts are never stored as user messages');
  assert.ok(p.content.startsWith('[no one is talking] '));

  const { c: ru } = character('neiri');
  const d = renderInput({ id: 'x', kind: 'donation', text: 'Мо donated 500 RUB. They said: так держать', user: { id: 'twitch:9', displayName: 'Мо', platform: 'twitch' }, receivedAt: 0, amount: 500, currency: 'RUB', message: 'так держать' }, ru);
  assert.equal(d.content, '[event] Донат от Мо: 500 RUB. Сообщение: «так держать». Тепло поблагодари по нику и отреагируй на сообщение.');
  const empty = renderInput({ id: 'x', kind: 'resub', text: 'Мо resubscribed for 7 months!', user: { id: 'twitch:9', displayName: 'Мо', platform: 'twitch' }, receivedAt: 0, months: 7 }, ru);
  assert.equal(empty.content, '[event] Продление подписки от Мо: уже 7 мес. Сообщение: (без сообщения). Отметь эту верность.');
  const cheer = renderInput({ id: 'z', kind: 'cheer', text: 'Мо cheered 100 bits. They said: вперёд!', user: { id: 'twitch:9', displayName: 'Мо', platform: 'twitch' }, receivedAt: 0, bits: 100, message: 'вперёд!' }, ru);
  assert.equal(cheer.content, '[event] Битсы от Мо: 100. Сообщение: «вперёд!». Поблагодари с энергией.', 'no English description inside a Russian prompt');
  const q = renderInput({ id: 'y', kind: 'proactive', text: '', user: { id: 'system:agent', displayName: 'System', platform: 'system' }, receivedAt: 0 }, ru);
  assert.ok(q.content.startsWith('[все молчат] Давно никто ничего не говорил.'));
  for (const kind of ['donation', 'cheer', 'sub', 'resub', 'gift', 'raid', 'first_chat', 'chat', 'chat_batch', 'proactive'] as const) {
    assert.match(ru.event_templates[kind], /\p{Script=Cyrillic}/u, `${kind} template is Russian`);
  }
});
