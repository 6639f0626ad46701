import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../../../scripts/lib/seeded-random.ts';
import { ConversationLog } from './conversation-log.ts';
import { HistoryStore, type NewMessage } from './history-store.ts';

function message(i: number, role: 'user' | 'assistant'): NewMessage {
  return { role, source: role === 'user' ? 'voice' : 'reply', userId: null, userName: null, text: `message ${i}`, fullText: null, interrupted: false, emotions: i % 3 ? [] : ['happy'], timings: {}, usage: null, turnId: `t${i}` };
}

test('the in-memory recent window always equals what a fresh read of the SQLite file returns, through appends, updates, deletes and switches', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conv-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'history.sqlite');
  const store = new HistoryStore(file);
  t.after(() => store.close());
  const log = new ConversationLog(store, 'neiri', false);
  const rand = seededRandom(7);
  const ids: number[] = [];
  const first = log.conversationId;
  let revision = log.revision;
  // 600 random operations: more appends than the 200-message window holds, so it slides.
  for (let step = 0; step < 600; step++) {
    const r = rand();
    if (r < 0.6 || ids.length === 0) {
      ids.push(log.append(message(step, step % 2 ? 'assistant' : 'user')).id);
    } else if (r < 0.9) {
      const id = ids[Math.floor(rand() * ids.length)] as number;
      log.update(id, { text: `heard ${step}`, interrupted: rand() < 0.5, fullText: rand() < 0.5 ? `full ${step}` : null, timings: { total: step } });
    } else if (r < 0.93) {
      const id = ids[Math.floor(rand() * ids.length)] as number;
      log.deleteFrom(log.conversationId, id);
      ids.splice(ids.indexOf(id));
    } else if (r < 0.95) {
      log.startNew();
      ids.length = 0;
    } else if (r < 0.97) {
      log.resume(first);
      ids.length = 0;
    } else {
      log.recent(); // reads between writes keep the window warm
    }
    assert.ok(log.revision > revision || r >= 0.97, `revision moves on every change (step ${step})`);
    revision = log.revision;
    const fresh = new HistoryStore(file);
    try {
      assert.deepEqual(log.recent(), fresh.recentMessages(log.conversationId, 200), `step ${step}`);
    } finally {
      fresh.close();
    }
  }
});

test('recent() returns a copy: changing the returned list does not change the window', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conv-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new HistoryStore(path.join(dir, 'history.sqlite'));
  t.after(() => store.close());
  const log = new ConversationLog(store, 'neiri', false);
  log.append(message(1, 'user'));
  log.recent().pop();
  assert.equal(log.recent().length, 1);
});
