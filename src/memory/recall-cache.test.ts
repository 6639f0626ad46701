import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemoryItem } from './memory-item.ts';
import { RecallCache, type CachedItem } from './recall-cache.ts';

const item = (id: string, user: string): CachedItem => ({
  id,
  text: id,
  vector: [1, 0],
  metadata: { kind: 'user', scope: 'long', importance: 0.5, tags: [], emotion: '', user_id: user, user_name: '', source: 't', character: 'default', created_at: 0, updated_at: 0, expires_at: 0 } satisfies MemoryItem['metadata'],
});

test('recall cache: LRU bound, TTL, size limit and write-through', () => {
  const c = new RecallCache({ maxUsers: 2, maxItemsPerUser: 3, ttlMs: 1000 });
  assert.ok(c.set('a', [item('1', 'a')], 0));
  assert.ok(c.set('b', [], 0));
  assert.ok(c.get('a', 10), 'a is fresh and becomes most recent');
  c.set('c', [], 10);
  assert.equal(c.get('b', 10), undefined, 'least recently used viewer is dropped');
  assert.equal(c.get('a', 2000), undefined, 'expired after the TTL');
  c.set('a', [item('1', 'a')], 2000);
  c.upsert(item('2', 'a'));
  c.upsert(item('9', 'z'));
  assert.deepEqual(c.get('a', 2001)?.map((i) => i.id).sort(), ['1', '2'], 'writes for a cached viewer are applied');
  c.remove(['1']);
  assert.deepEqual(c.get('a', 2002)?.map((i) => i.id), ['2']);
  assert.equal(c.set('big', [item('x', 'big'), item('y', 'big'), item('z', 'big'), item('w', 'big')], 0), false, 'too many items: not cached');
  c.dropUser('a');
  assert.equal(c.get('a', 2003), undefined);
});
