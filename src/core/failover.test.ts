import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from './errors.ts';
import { CommittedFailure, Failover, type RunOptions } from './failover.ts';
import { sleep } from './retry.ts';

// Scripted members: what each attempt yields (with delays) and whether it then throws.
interface Script {
  items?: Array<{ value: string; afterMs?: number }>;
  throwAfter?: string;
}
type Member = { calls: number; scripts: Script[] };

async function* play(m: Member, signal: AbortSignal): AsyncGenerator<string> {
  const s = m.scripts[m.calls++] ?? {};
  for (const item of s.items ?? []) {
    if (item.afterMs) await sleep(item.afterMs, signal);
    yield item.value;
  }
  if (s.throwAfter) throw new Error(s.throwAfter);
}

const opts = (signal: AbortSignal, extra: Partial<RunOptions<Member, string>> = {}): RunOptions<Member, string> => ({
  signal,
  timeoutError: (id, phase, ms) => new EngineError('TIMEOUT', `${id} ${phase} ${ms}`),
  errorCode: 'UPSTREAM_ERROR',
  ...extra,
});

async function drain(f: Failover<Member>, signal = new AbortController().signal, extra: Partial<RunOptions<Member, string>> = {}): Promise<{ items: string[]; result: unknown }> {
  const gen = f.run(f.candidates(), play, opts(signal, extra));
  const items: string[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { items, result: r.value };
    items.push(r.value);
  }
}

test('a member failing before its first item hands over to the next; after it, the failure propagates', async () => {
  const a: Member = { calls: 0, scripts: [{ throwAfter: 'refused' }, { items: [{ value: 'a1' }], throwAfter: 'cut' }] };
  const b: Member = { calls: 0, scripts: [{ items: [{ value: 'b1' }, { value: 'b2' }] }] };
  const f = new Failover([{ id: 'a', member: a }, { id: 'b', member: b }], { failuresBeforeCooldown: 5, cooldownMs: 1000 });
  const first = await drain(f);
  assert.deepEqual(first.items, ['b1', 'b2']);
  assert.deepEqual(first.result, { ok: true, id: 'b' });
  assert.equal(f.snapshot()[0]?.lastError?.message, 'refused');
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const x of f.run(f.candidates(), play, opts(new AbortController().signal))) got.push(x);
    })(),
    (err: unknown) => err instanceof CommittedFailure && err.id === 'a' && err.error.message === 'cut',
  );
  assert.deepEqual(got, ['a1'], 'no second member after the first committed');
  assert.equal(b.calls, 1);
});

test('the first-item deadline runs from the start: items that do not commit do not extend it', async () => {
  const thinking: Script['items'] = Array.from({ length: 10 }, () => ({ value: 'thinking', afterMs: 30 }));
  const slow: Member = { calls: 0, scripts: [{ items: [...(thinking ?? []), { value: 'answer' }] }] };
  const fast: Member = { calls: 0, scripts: [{ items: [{ value: 'quick' }] }] };
  const f = new Failover([{ id: 'slow', member: slow }, { id: 'fast', member: fast }], { failuresBeforeCooldown: 5, cooldownMs: 1000 });
  const { items } = await drain(f, new AbortController().signal, { firstTimeoutMs: () => 120, commits: (x) => x !== 'thinking' });
  assert.ok(items.at(-1) === 'quick', `fell back (${items.join(',')})`);
  assert.equal(f.snapshot()[0]?.lastError?.code, 'TIMEOUT');
});

test('failures in a row start a cooldown that doubles; success resets it; when all cool down, all are tried', async () => {
  let clock = 1_000_000;
  const flaky: Member = { calls: 0, scripts: [{ throwAfter: 'x' }, { throwAfter: 'x' }, { throwAfter: 'x' }, { items: [{ value: 'ok' }] }] };
  const f = new Failover([{ id: 'flaky', member: flaky }], { failuresBeforeCooldown: 2, cooldownMs: 10_000, now: () => clock });
  await drain(f);
  assert.equal(f.snapshot()[0]?.state, 'failing');
  await drain(f);
  assert.equal(f.snapshot()[0]?.state, 'cooling_down');
  assert.equal(f.snapshot()[0]?.cooldownUntil, clock + 10_000);
  assert.equal(f.candidates().length, 1, 'the only member is tried even while cooling');
  clock += 10_001;
  await drain(f);
  assert.equal(f.snapshot()[0]?.cooldownUntil, clock + 20_000, 'the second cooldown in a row is twice as long');
  const { items } = await drain(f);
  assert.deepEqual(items, ['ok']);
  const h = f.snapshot()[0];
  assert.deepEqual([h?.state, h?.consecutiveFailures, h?.cooldowns, h?.cooldownUntil], ['ok', 0, 0, undefined]);
});

test('aborting stops at once, tries no other member and counts no failure', async () => {
  const hang: Member = { calls: 0, scripts: [{ items: [{ value: 'late', afterMs: 5_000 }] }] };
  const other: Member = { calls: 0, scripts: [{ items: [{ value: 'other' }] }] };
  const f = new Failover([{ id: 'hang', member: hang }, { id: 'other', member: other }], { failuresBeforeCooldown: 1, cooldownMs: 1000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 30);
  const t0 = performance.now();
  await assert.rejects(drain(f, ac.signal), (err: Error) => err.name === 'AbortError');
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(other.calls, 0);
  assert.equal(f.snapshot()[0]?.failures, 0);
});
