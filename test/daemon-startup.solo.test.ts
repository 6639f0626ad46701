import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { ROOT_DIR } from '../src/config/env.ts';
import { freePort, waitForHttp } from './helpers/spawn-daemon.ts';

test('npm start serves /healthz within 3 s and exits 0 within 5 s of SIGTERM', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-start-'));
  const port = await freePort();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT_DIR,
    env: { ...process.env, VTUBER_PORT: String(port), VTUBER_DATA_DIR: path.join(dir, 'data'), VTUBER_CONFIG: path.join(dir, 'conf.yaml'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so a failed run can take npm, the shell and the daemon down together.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const ms = await waitForHttp(`http://127.0.0.1:${port}/healthz`, 3000);
    assert.ok(ms <= 3000);
    const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as unknown;
    assert.deepEqual(body, { status: 'ok' });
    assert.ok(existsSync(path.join(dir, 'conf.yaml')), 'conf.yaml is created from the template');
    assert.match(output, new RegExp(`http://127\\.0\\.0\\.1:${port}/`), 'prints the page URL');

    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const t0 = Date.now();
      child.on('exit', (code) => resolve({ code, ms: Date.now() - t0 }));
    });
    // npm re-raises signals it receives, so signal the daemon itself (it writes DATA_DIR/daemon.pid);
    // its exit code then comes back through npm.
    const pid = Number(readFileSync(path.join(dir, 'data', 'daemon.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    const { code, ms: stopMs } = await exited;
    assert.equal(code, 0, `exit code 0, output:\n${output}`);
    assert.ok(stopMs < 5000, `stopped in ${stopMs} ms`);
    assert.ok(existsSync(path.join(dir, 'data', 'logs')), 'JSON logs are written under DATA_DIR/logs');
  } finally {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
