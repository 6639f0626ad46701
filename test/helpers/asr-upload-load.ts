import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface UploadLoadResult {
  statuses: number[];
  bodies: unknown[];
  wall_ms: number;
  /** Round-trip times of the /healthz polls made (by a third process) while the uploads ran. */
  healthz_ms: number[];
}

const CLIENT = fileURLToPath(new URL('./asr-upload-client.mjs', import.meta.url));

function run(args: string[], onStderr?: (line: string, child: ChildProcess) => void): { child: ChildProcess; done: Promise<unknown> } {
  const child = spawn(process.execPath, [CLIENT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    onStderr?.(d.toString(), child);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const done = new Promise<unknown>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`upload client exited with ${code}: ${err.trim()}`));
      resolve(JSON.parse(out) as unknown);
    });
  });
  return { child, done };
}

/**
 * `parallel` uploads of `wavFile` from one client process while another polls /healthz every
 * `pollMs`; neither runs in the daemon's process.
 */
export async function runUploadLoad(baseUrl: string, wavFile: string, parallel: number, pollMs = 20): Promise<UploadLoadResult> {
  let ready: () => void = () => undefined;
  const warm = new Promise<void>((r) => (ready = r));
  const poller = run(['poll', baseUrl, String(pollMs)], (line) => {
    if (line.includes('ready')) ready();
  });
  try {
    await Promise.race([warm, poller.done]);
    const uploads = (await run(['upload', baseUrl, wavFile, String(parallel)]).done) as Omit<UploadLoadResult, 'healthz_ms'>;
    await new Promise((r) => setTimeout(r, 100));
    poller.child.stdin?.end();
    const polled = (await poller.done) as { healthz_ms: number[] };
    return { ...uploads, healthz_ms: polled.healthz_ms };
  } finally {
    poller.child.stdin?.destroy();
  }
}
