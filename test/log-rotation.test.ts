import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../src/logging/logger.ts';

test('log files rotate by size and files older than the retention period are swept', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-rotate-'));
  try {
    const old = path.join(dir, 'vtuber.0.log');
    writeFileSync(old, '{}\n');
    const fortyDaysAgo = (Date.now() - 40 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, fortyDaysAgo, fortyDaysAgo);
    const keep = path.join(dir, 'notes.txt');
    writeFileSync(keep, 'not a log');
    utimesSync(keep, fortyDaysAgo, fortyDaysAgo);

    const { log, close, file } = await createLogger({ level: 'info', fileDir: dir, console: 'none', maxSizeMb: 2 / 1024, retentionDays: 30 });
    assert.equal(readdirSync(dir).includes('vtuber.0.log'), false, 'the 40-day-old log was swept at start');
    assert.ok(readdirSync(dir).includes('notes.txt'), 'other files are left alone');
    for (let i = 0; i < 200; i++) {
      log.info({ event: 'test.line', i, pad: 'x'.repeat(40) }, 'filler line');
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await close();
    assert.doesNotThrow(() => log.info({ event: 'test.late' }, 'a line after close (a socket closing during shutdown)'), 'late lines are dropped, not thrown');
    const logs = readdirSync(dir).filter((f) => /^vtuber\.\d+\.log$/.test(f));
    assert.ok(logs.length >= 3, `rotated into several files: ${logs.join(', ')}`);
    for (const f of logs) assert.ok(statSync(path.join(dir, f)).size < 8 * 1024, `${f} stays near the size limit`);
    assert.equal(file?.sweep(Date.now() + 31 * 24 * 3600 * 1000), logs.length, 'a sweep a month later removes them all');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
