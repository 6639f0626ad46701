import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { isRunning, waitUntil } from '../helpers/process-tree.ts';

const OWNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'spawner-owner.ts');

test('when the daemon dies (SIGKILL), the helper kills its children and exits: no orphans', async () => {
  const owner = spawn(process.execPath, ['--import', 'tsx', OWNER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the owner printed no pids within 20 s')), 20_000);
      owner.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.slice(0, out.indexOf('\n')));
        }
      });
      owner.once('exit', (code) => reject(new Error(`owner exited early (${code})`)));
    });
    const { helper, child } = JSON.parse(line) as { helper: number; child: number };
    assert.ok(isRunning(helper) && isRunning(child), 'helper and child run');
    owner.kill('SIGKILL');
    assert.ok(await waitUntil(() => !isRunning(helper) && !isRunning(child), 3000), 'helper and its child are gone');
  } finally {
    if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  }
});
