import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { ROOT_DIR } from '../src/config/env.ts';
import { freePort, waitForHttp } from './helpers/spawn-daemon.ts';

interface NpmStart {
  child: ChildProcess;
  dir: string;
  port: number;
  output(): string;
  /** The daemon's pid (npm re-raises signals it receives, so tests signal the daemon itself). */
  daemonPid(): number;
  /** Resolves with the exit code and how long after this call it came. */
  exited(): Promise<{ code: number | null; ms: number }>;
}

/** Runs `npm start` in a fresh data dir on a free port, and always takes npm, the shell and the daemon down. */
async function withNpmStart(env: Record<string, string>, fn: (s: NpmStart) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-start-'));
  const port = await freePort();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT_DIR,
    env: { ...process.env, VTUBER_PORT: String(port), VTUBER_DATA_DIR: path.join(dir, 'data'), VTUBER_CONFIG: path.join(dir, 'conf.yaml'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so a failed run can take npm, the shell and the daemon down together.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const start: NpmStart = {
    child,
    dir,
    port,
    output: () => output,
    daemonPid: () => Number(readFileSync(path.join(dir, 'data', 'daemon.pid'), 'utf8')),
    exited: () => {
      const t0 = Date.now();
      return new Promise((resolve) => child.on('exit', (code) => resolve({ code, ms: Date.now() - t0 })));
    },
  };
  try {
    await fn(start);
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
}

test('npm start serves /healthz within 3 s and exits 0 within 5 s of SIGTERM', async () => {
  await withNpmStart({ LOG_LEVEL: 'info' }, async (s) => {
    const ms = await waitForHttp(`http://127.0.0.1:${s.port}/healthz`, 3000);
    process.stdout.write(`# npm start → /healthz in ${Math.round(ms)} ms\n`);
    assert.ok(ms <= 3000);
    const body = (await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json()) as unknown;
    assert.deepEqual(body, { status: 'ok' });
    assert.ok(existsSync(path.join(s.dir, 'conf.yaml')), 'conf.yaml is created from the template');
    assert.match(s.output(), new RegExp(`http://127\\.0\\.0\\.1:${s.port}/`), 'prints the page URL');

    const exited = s.exited();
    process.kill(s.daemonPid(), 'SIGTERM');
    const { code, ms: stopMs } = await exited;
    assert.equal(code, 0, `exit code 0, output:\n${s.output()}`);
    assert.ok(stopMs < 5000, `stopped in ${stopMs} ms`);
    assert.ok(existsSync(path.join(s.dir, 'data', 'logs')), 'JSON logs are written under DATA_DIR/logs');
  });
});

test('npm start runs the compiled daemon (dist/), and an enabled plugin loads from the same build and goes live', async () => {
  const token = 'startup-admin';
  await withNpmStart({ VTUBER_ADMIN_TOKEN: token, VTUBER_PLUGINS: 'mcp', LOG_LEVEL: 'warn' }, async (s) => {
    await waitForHttp(`http://127.0.0.1:${s.port}/healthz`, 10_000);
    const cmdline = readFileSync(`/proc/${s.daemonPid()}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.some((a) => a.endsWith(path.join('dist', 'src', 'main.js'))), `runs dist/src/main.js (${cmdline.join(' ')})`);
    assert.ok(!cmdline.includes('tsx'), 'without the TypeScript loader');
    let state: string | undefined;
    for (let i = 0; i < 50 && state !== 'live'; i++) {
      const status = (await (await fetch(`http://127.0.0.1:${s.port}/admin/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { plugins?: Record<string, { state: string }> };
      state = status.plugins?.mcp?.state;
      if (state !== 'live') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'live', `the mcp plugin is live (output:\n${s.output()})`);
    const exited = s.exited();
    process.kill(s.daemonPid(), 'SIGTERM');
    assert.equal((await exited).code, 0);
  });
});
