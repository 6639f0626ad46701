import { spawn } from 'node:child_process';

/** Runs a command to completion (for probes): exit code and the first KB of output. */
export function runQuick(cmd: string, args: readonly string[], timeoutMs = 3000): Promise<{ code: number | null; output: string; error?: string }> {
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const finish = (r: { code: number | null; output: string; error?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, output, error: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    const collect = (d: Buffer): void => {
      if (output.length < 1024) output += d.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => finish({ code: null, output, error: err.message }));
    child.on('close', (code) => finish({ code, output }));
  });
}

/** Splits a configured command line on whitespace (no shell is involved). */
export function splitCommand(line: string): [string, ...string[]] {
  const parts = line.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new Error('empty command');
  return parts as [string, ...string[]];
}
