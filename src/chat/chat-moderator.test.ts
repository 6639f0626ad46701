import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatModerator } from './chat-moderator.ts';
import { ChatModerationSchema } from './moderation-schema.ts';

const user = (login: string, id = '1') => ({ id, login, displayName: login });
const moderator = (moderation: Record<string, unknown> = {}) => new ChatModerator(ChatModerationSchema.parse(moderation));

test('blocked words match whole words only, case-insensitively, in any script', () => {
  const m = moderator({ blocked_words: ['ass', 'バカ'] });
  assert.equal(m.hasBlockedWord('what a class act'), false);
  assert.equal(m.hasBlockedWord('you ASS!'), true);
  assert.equal(m.hasBlockedWord('お前はバカだ'), false, 'Japanese has no spaces, so an embedded word is not whole');
  assert.equal(m.hasBlockedWord('バカ'), true);
});

test('commands: ask commands pass their argument, other commands are ignored or passed as configured', () => {
  const ignore = moderator();
  assert.deepEqual(ignore.screen(user('a'), '!ask how are you'), { pass: true, text: 'how are you', command: 'ask' });
  assert.deepEqual(ignore.screen(user('a'), '!dice'), { pass: false, reason: 'command' });
  assert.deepEqual(ignore.screen(user('a'), '!ask'), { pass: false, reason: 'empty' });
  const pass = moderator({ other_commands: 'pass' });
  assert.deepEqual(pass.screen(user('a'), '!dice 2'), { pass: true, text: '!dice 2', command: 'dice' });
  const askOnly = moderator({ ask_only: true, command_prefix: '?' });
  assert.deepEqual(askOnly.screen(user('a'), 'hello'), { pass: false, reason: 'not_ask' });
  assert.equal(askOnly.screen(user('a'), '?ask hello').pass, true);
});

test('bots and blocked users (by login or id) are ignored', () => {
  const m = moderator({ blocked_users: ['Troll', '666'] });
  assert.deepEqual(m.screen(user('streamelements'), 'hi'), { pass: false, reason: 'bot' });
  assert.deepEqual(m.screen(user('troll'), 'hi'), { pass: false, reason: 'blocked_user' });
  assert.deepEqual(m.screen(user('renamed', '666'), 'hi'), { pass: false, reason: 'blocked_user' });
});

test('long lines are cut at a word boundary to the maximum length', () => {
  const m = moderator({ max_message_length: 20 });
  const v = m.screen(user('a'), 'one two three four five six seven');
  assert.ok(v.pass);
  assert.equal(v.text, 'one two three four…');
  assert.ok(v.text.length <= 20);
});

test('the per-user limit is a sliding window', () => {
  const m = moderator({ per_user_messages: 2, per_user_window_ms: 1_000 });
  assert.equal(m.allow('u', 0), true);
  assert.equal(m.allow('u', 100), true);
  assert.equal(m.allow('u', 200), false);
  assert.equal(m.allow('other', 200), true);
  assert.equal(m.allow('u', 1_001), true, 'the first line left the window');
});
