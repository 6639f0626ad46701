import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryConfigSchema } from './memory-config.ts';
import type { InputItem } from '../core/input.ts';
import { classifyUserText, isTrivial } from './turn-classifier.ts';
import { memoriesFromTurn } from './turn-writer.ts';

test('trivial chatter is recognised', () => {
  for (const t of ['lol', 'hi!', 'LMAO', 'gg', '???', '<3', 'hello there', 'ok', 'pog']) assert.ok(isTrivial(t), t);
  for (const t of ['my cat is called Biscuit', 'I work as a nurse in Lyon']) assert.ok(!isTrivial(t), t);
});

test('facts, plans, people and feelings get kinds and importance; plain chat stays low', () => {
  const cat = classifyUserText('my cat is called Biscuit', 'Alice');
  assert.equal(cat?.kind, 'user');
  assert.ok((cat?.importance ?? 0) >= 0.7, String(cat?.importance));
  assert.equal(cat?.text, 'Alice: my cat is called Biscuit');
  assert.ok(cat?.tags.includes('biscuit'));
  assert.equal(classifyUserText('remind me to stretch next stream please', 'A')?.kind, 'objectives');
  assert.equal(classifyUserText('my sister Clementine paints murals', 'A')?.kind, 'third_party');
  assert.equal(classifyUserText("I'm so nervous about tomorrow honestly", 'A')?.kind, 'emotions');
  const chat = classifyUserText('that boss fight looked brutal', 'A');
  assert.equal(chat?.kind, 'chat');
  assert.ok((chat?.importance ?? 1) < 0.35);
});

test('a turn writes long-term facts, session chat and nothing for trivial lines', () => {
  const cfg = MemoryConfigSchema.parse({});
  const user = { id: 'twitch:1', displayName: 'Alice', platform: 'twitch' as const };
  const chatInput = (text: string): InputItem => ({ id: 'i', kind: 'chat', text, user, receivedAt: 0 });
  const done = (text: string, input: InputItem = chatInput(text)) => ({ turnId: 't', input, replyText: 'ok', heardText: 'ok', interrupted: false, emotions: ['joy'] });
  const fact = memoriesFromTurn(done('my cat is called Biscuit'), cfg, 'Neiri');
  assert.equal(fact.length, 1);
  assert.equal(fact[0]?.metadata.scope, 'long');
  assert.equal(fact[0]?.metadata.user_id, 'twitch:1');
  assert.equal(fact[0]?.metadata.emotion, 'joy');
  const chat = memoriesFromTurn(done('that boss fight looked brutal'), cfg, 'Neiri');
  assert.equal(chat[0]?.metadata.scope, 'session');
  assert.ok((chat[0]?.metadata.expires_at ?? 0) > Date.now());
  assert.deepEqual(memoriesFromTurn(done('lol'), cfg, 'Neiri'), []);
  const donation = memoriesFromTurn(done('keep going!', { id: 'i', kind: 'donation', text: 'keep going!', user, receivedAt: 0, amount: 5, currency: 'EUR' }), cfg, 'Neiri');
  assert.match(donation[0]?.text ?? '', /Alice donated 5 EUR and said: keep going!/);
  const self = memoriesFromTurn({ ...done('what do you drink?'), heardText: 'Tea, obviously. My favourite is jasmine tea.' }, cfg, 'Neiri');
  assert.ok(self.some((m) => m.metadata.kind === 'self' && m.metadata.user_id === '' && m.text.includes('jasmine')));
});
