import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { isEngineError } from '../../src/core/errors.ts';
import { SpawnerClient } from '../../src/spawner/spawner-client.ts';
import { descendantsOf, isRunning, waitUntil } from '../helpers/process-tree.ts';

const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
const skip = hasEspeak ? false : 'espeak-ng is not installed (apt-get install -y espeak-ng)';
const LONG_TEXT = 'This is a rather long sentence that keeps espeak busy for a while. '.repeat(40);

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of stream) parts.push(b);
  return Buffer.concat(parts);
}

test('a process started through the helper streams its stdout back, exits 0, and is a child of the helper, not of the daemon', { skip }, async () => {
  const spawner = new SpawnerClient();
  try {
    const proc = spawner.spawn('espeak-ng', ['--stdout', '-v', 'en-us']);
    proc.write('Hello from the spawner helper.', true);
    const wav = await readAll(proc.stdout());
    const exit = await proc.exited;
    assert.equal(exit.code, 0);
    assert.equal(proc.error, undefined);
    assert.equal(wav.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.ok(wav.length > 20_000, `a second or more of audio (${wav.length} bytes)`);
    assert.ok(proc.pid && proc.pid > 0);
    const child = spawner.spawn('sleep', ['5'], { ref: false });
    assert.ok(await waitUntil(() => child.pid !== undefined));
    assert.equal(descendantsOf(process.pid).find((p) => p.pid === child.pid)?.ppid, spawner.helperPid, 'children hang below the helper');
    const helper = spawner.helperPid;
    assert.ok(helper !== undefined);
    const tree = descendantsOf(process.pid);
    assert.ok(tree.some((p) => p.pid === helper && p.ppid === process.pid), 'the helper is our child');
    const mine = tree.filter((p) => p.ppid === process.pid && p.comm.startsWith('espeak'));
    assert.deepEqual(mine, [], 'no espeak-ng process was forked from the daemon itself');
  } finally {
    await spawner.dispose();
  }
});

test('a large output is delivered whole and in order (flow control pauses and resumes the child)', { skip }, async () => {
  const spawner = new SpawnerClient();
  try {
    // 3 MB through the helper while the reader is slow at first: crosses the 1 MB high-water mark.
    const proc = spawner.spawn('head', ['-c', String(3 * 1024 * 1024), '/dev/zero']);
    proc.write('', true);
    await new Promise((r) => setTimeout(r, 300));
    const out = await readAll(proc.stdout());
    assert.equal(out.length, 3 * 1024 * 1024);
    assert.equal((await proc.exited).code, 0);
  } finally {
    await spawner.dispose();
  }
});

test('kill stops the child at once: exit by SIGKILL and the process is gone', { skip }, async () => {
  const spawner = new SpawnerClient();
  try {
    const proc = spawner.spawn('espeak-ng', ['--stdout', '-v', 'en-us']);
    proc.write(LONG_TEXT, true);
    const it = proc.stdout()[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false, 'audio started');
    const pid = proc.pid as number;
    assert.ok(isRunning(pid));
    proc.kill();
    const exit = await proc.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(await waitUntil(() => !isRunning(pid), 2000), 'espeak-ng is gone');
  } finally {
    await spawner.dispose();
  }
});

test('a missing command ends with a SPAWN_FAILED error naming the cause', async () => {
  const spawner = new SpawnerClient();
  try {
    const proc = spawner.spawn('no-such-binary-here', []);
    const exit = await proc.exited;
    assert.equal(exit.code, null);
    assert.ok(isEngineError(proc.error) && proc.error.code === 'SPAWN_FAILED');
    assert.match(proc.error.message, /ENOENT/);
  } finally {
    await spawner.dispose();
  }
});

test('when the helper dies, processes in flight fail with SPAWN_FAILED and the next spawn starts a new helper', { skip }, async () => {
  const spawner = new SpawnerClient();
  try {
    const proc = spawner.spawn('espeak-ng', ['--stdout', '-v', 'en-us']);
    proc.write(LONG_TEXT, true);
    const it = proc.stdout()[Symbol.asyncIterator]();
    await it.next();
    const first = spawner.helperPid as number;
    process.kill(first, 'SIGKILL');
    await proc.exited;
    assert.ok(isEngineError(proc.error) && proc.error.code === 'SPAWN_FAILED');
    assert.match(proc.error.message, /spawner helper exited \(code null, signal SIGKILL\)/);
    assert.equal(spawner.running, 0);

    const again = spawner.spawn('espeak-ng', ['--stdout', '-v', 'en-us']);
    again.write('Back again.', true);
    const wav = await readAll(again.stdout());
    assert.equal((await again.exited).code, 0);
    assert.ok(wav.length > 10_000);
    assert.notEqual(spawner.helperPid, first, 'a new helper');
  } finally {
    await spawner.dispose();
  }
});

test('dispose kills running children and the helper, leaving no process behind', { skip }, async () => {
  const spawner = new SpawnerClient();
  const idle = [spawner.spawn('espeak-ng', ['--stdout'], { ref: false }), spawner.spawn('sleep', ['30'], { ref: false })];
  assert.ok(await waitUntil(() => idle.every((p) => p.pid !== undefined)), 'both started');
  const helper = spawner.helperPid as number;
  const pids = [helper, ...idle.map((p) => p.pid as number)];
  assert.equal(descendantsOf(helper).length, 2);
  await spawner.dispose();
  assert.ok(await waitUntil(() => pids.every((pid) => !isRunning(pid)), 2000), 'helper and children are gone');
  assert.equal(spawner.helperPid, undefined);
  const late = spawner.spawn('sleep', ['1']);
  await late.exited;
  assert.ok(isEngineError(late.error) && late.error.code === 'SPAWN_FAILED', 'no spawning after dispose');
});
