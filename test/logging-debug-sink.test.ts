import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadRuntimeSettings } from '../src/config/env.ts';
import { createLogger, DEBUG_RETENTION_DAYS } from '../src/logging/logger.ts';

const linesOf = (dir: string, prefix: string): Array<Record<string, unknown>> =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.log'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('APP_DEBUG=1 turns on the debug file sink; the main log keeps its level', async () => {
  assert.equal(loadRuntimeSettings({ APP_DEBUG: '1' }, os.tmpdir()).debug, true);
  assert.equal(loadRuntimeSettings({}, os.tmpdir()).debug, false);
  assert.throws(() => loadRuntimeSettings({ APP_DEBUG: 'yes please' }, os.tmpdir()), /APP_DEBUG/);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-debug-sink-'));
  try {
    // A debug file older than the retention period is swept when the sink opens.
    const old = path.join(dir, 'debug.2020-01-01.1.log');
    writeFileSync(old, '{}\n');
    const past = (Date.now() - (DEBUG_RETENTION_DAYS + 1) * 86_400_000) / 1000;
    utimesSync(old, past, past);
    const handle = await createLogger({ level: 'info', fileDir: dir, console: 'none', debugFile: true });
    handle.log.debug({ event: 'test.debug_only' }, 'debug line');
    handle.log.info({ event: 'test.info' }, 'info line');
    handle.access.info({ event: 'http.request', route: '/x', status: 200 }, 'http request');
    await handle.close();
    const debug = linesOf(dir, 'debug').map((l) => l.event);
    const main = linesOf(dir, 'vtuber').map((l) => l.event);
    const access = linesOf(dir, 'access').map((l) => l.event);
    assert.deepEqual(debug, ['test.debug_only', 'test.info'], 'the debug file has debug lines and up');
    assert.deepEqual(main, ['test.info'], 'the main log keeps level info');
    assert.deepEqual(access, ['http.request'], 'access lines have their own file');
    assert.ok(!readdirSync(dir).includes(path.basename(old)), `debug files older than ${DEBUG_RETENTION_DAYS} days are deleted`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without APP_DEBUG there is no debug file and debug lines are not produced at level info', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-debug-sink-'));
  try {
    const handle = await createLogger({ level: 'info', fileDir: dir, console: 'none' });
    handle.log.debug({ event: 'test.debug_only' }, 'debug line');
    handle.log.info({ event: 'test.info' }, 'info line');
    await handle.close();
    assert.deepEqual(linesOf(dir, 'debug'), []);
    assert.deepEqual(linesOf(dir, 'vtuber').map((l) => l.event), ['test.info']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
