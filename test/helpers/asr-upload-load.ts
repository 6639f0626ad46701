import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface UploadLoadResult {
  statuses: number[];
  bodies: unknown[];
  wall_ms: number;
  /** Round-trip times of the /healthz polls made while the uploads ran. */
  healthz_ms: number[];
}

const CLIENT = fileURLToPath(new URL('./asr-upload-client.mjs', import.meta.url));

/** Runs asr-upload-client.mjs in its own process: `parallel` uploads of `wavFile`, /healthz polled meanwhile. */
export function runUploadLoad(baseUrl: string, wavFile: string, parallel: number, pollMs = 20): Promise<UploadLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, baseUrl, wavFile, String(parallel), String(pollMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`upload client exited with ${code}: ${err.trim()}`));
      resolve(JSON.parse(out) as UploadLoadResult);
    });
  });
}
