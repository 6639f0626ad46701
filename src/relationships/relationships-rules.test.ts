import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateTokens, relationshipCard } from './relationship-card.ts';
import { parseCsv, toCsv, viewersFromCsv } from './relationships-csv.ts';
import { applyInteraction, type Counters } from './scoring-rules.ts';
import { sentimentOf } from './sentiment.ts';

const zero: Counters = { messages: 0, voice_turns: 0, subs: 0, sub_months: 0, cheer_bits: 0, donations: 0, donation_total: 0, raids: 0, days_seen: 0 };
const facts = { sentiment: 0, amount: 0, newDay: false, gift: false };

test('sentiment is lexical with negation', () => {
  assert.ok(sentimentOf('I love this stream') > 0);
  assert.ok(sentimentOf('this is boring and bad') < 0);
  assert.ok(sentimentOf('not bad at all') > 0);
  assert.equal(sentimentOf('the train leaves at nine'), 0);
});

test('rules: support raises scores with diminishing returns, hostility costs trust', () => {
  const s0 = { affinity: 0, trust: 10, loyalty: 0 };
  const chat = applyInteraction(s0, zero, { ...facts, kind: 'chat', sentiment: 0.5 });
  assert.ok(chat.scores.affinity > 0);
  assert.equal(chat.counters.messages, 1);
  const donation = applyInteraction(s0, zero, { ...facts, kind: 'donation', amount: 20 });
  assert.ok(donation.scores.affinity > chat.scores.affinity, 'a donation counts more than a message');
  assert.equal(donation.counters.donation_total, 20);
  const high = applyInteraction({ affinity: 90, trust: 10, loyalty: 0 }, zero, { ...facts, kind: 'donation', amount: 20 });
  assert.ok(high.scores.affinity - 90 < donation.scores.affinity - 0, 'diminishing returns near the top');
  assert.ok(high.scores.affinity <= 100);
  const rude = applyInteraction(s0, zero, { ...facts, kind: 'chat', sentiment: -1 });
  assert.ok(rude.scores.trust < 10 && rude.scores.affinity < 0);
  const sub = applyInteraction(s0, zero, { ...facts, kind: 'sub', amount: 12, newDay: true });
  assert.ok(sub.scores.loyalty > 10);
  assert.equal(sub.counters.days_seen, 1);
});

test('the card stays within the budget even with huge notes', () => {
  const v = {
    user: { id: 'twitch:1', platform: 'twitch', display_name: 'Alice', previous_names: '["Al"]', first_seen: Date.now() - 86_400_000 * 30, last_seen: Date.now() - 3_600_000 },
    relationship: { user_id: 'twitch:1', affinity: 42, trust: 30, loyalty: 20, ...zero, messages: 300, donations: 2, donation_total: 15, days_seen: 12, last_day: '', last_seen: Date.now(), tags: JSON.stringify(Array.from({ length: 30 }, (_, i) => `tag${i}`)), notes: 'word '.repeat(400), updated_at: 0 },
  };
  const recent = Array.from({ length: 3 }, (_, i) => ({ id: i, user_id: 'twitch:1', at: 0, kind: 'chat' as const, summary: 'a fairly long chat message '.repeat(5), sentiment: 0 }));
  for (const budget of [200, 120, 60]) {
    const card = relationshipCard(v, recent, budget);
    assert.ok(estimateTokens(card) <= budget, `${budget}: ${estimateTokens(card)}`);
    assert.match(card, /Viewer: Alice \(formerly Al\)/);
  }
  assert.match(relationshipCard(v, recent, 200), /fond/);
  // A Russian character gets the card in Russian, within the same budgets.
  for (const budget of [200, 120, 60]) {
    const card = relationshipCard(v, recent, budget, Date.now(), 'ru');
    assert.ok(estimateTokens(card) <= budget, `ru ${budget}: ${estimateTokens(card)}`);
    assert.match(card, /^Зритель: Alice \(раньше: Al\)\.\nОтношение: тепло \(симпатия 42\/100, доверие 30\/100, верность 20\/100\)\./);
  }
  const full = relationshipCard(v, recent, 2000, Date.now(), 'ru-RU');
  assert.match(full, /История: сообщений в чате: 300, донатов: 2 \(всего 15\)\./);
  assert.match(full, /Недавно: чат "a fairly long/);
  assert.doesNotMatch(full, /Viewer|Relationship|History/);
});

test('CSV quoting round-trips commas, quotes and newlines', () => {
  const v = viewersFromCsv('user_id,display_name,notes,tags\ntwitch:1,"Frank, ""the tank""","line one\nline two",a|b\n');
  assert.equal(v[0]?.user.display_name, 'Frank, "the tank"');
  assert.equal(v[0]?.relationship.notes, 'line one\nline two');
  assert.equal(v[0]?.relationship.tags, '["a","b"]');
  const again = viewersFromCsv(toCsv(v));
  assert.deepEqual(again.map((x) => ({ ...x.relationship, updated_at: 0 })), v.map((x) => ({ ...x.relationship, updated_at: 0 })));
  assert.deepEqual(parseCsv('a,b\r\n1,2\r\n'), [['a', 'b'], ['1', '2']]);
  assert.throws(() => viewersFromCsv('user_id,display_name,color\nx,y,red\n'), /row 1, column color: unknown column/);
});
