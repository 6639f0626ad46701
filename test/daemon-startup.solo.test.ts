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
    process.stdout.write(`# npm start → /healthz in ${Math.round(ms)} ms\n`);
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

test('npm start runs the compiled daemon (dist/), and an enabled plugin loads from the same build and goes live', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-start-'));
  const port = await freePort();
  const token = 'startup-admin';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT_DIR,
    env: { ...process.env, VTUBER_PORT: String(port), VTUBER_DATA_DIR: path.join(dir, 'data'), VTUBER_CONFIG: path.join(dir, 'conf.yaml'), VTUBER_ADMIN_TOKEN: token, VTUBER_PLUGINS: 'mcp', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 10_000);
    const pid = Number(readFileSync(path.join(dir, 'data', 'daemon.pid'), 'utf8'));
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.some((a) => a.endsWith(path.join('dist', 'src', 'main.js'))), `runs dist/src/main.js (${cmdline.join(' ')})`);
    assert.ok(!cmdline.includes('tsx'), 'without the TypeScript loader');
    let state: string | undefined;
    for (let i = 0; i < 50 && state !== 'live'; i++) {
      const status = (await (await fetch(`http://127.0.0.1:${port}/admin/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { plugins?: Record<string, { state: string }> };
      state = status.plugins?.mcp?.state;
      if (state !== 'live') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'live', `the mcp plugin is live (output:\n${output})`);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    process.kill(pid, 'SIGTERM');
    assert.equal(await exited, 0);
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
