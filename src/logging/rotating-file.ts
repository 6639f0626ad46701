import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import pinoRoll from 'pino-roll';

export interface RotatingFileOptions {
  dir: string;
  baseName: string;
  maxBytes: number;
  retentionDays: number;
}

export interface RotatingFile {
  stream: DestinationStream & { flushSync?: () => void; end?: () => void };
  dir: string;
  /** Deletes rotated files older than the retention period; returns how many were removed. */
  sweep(now?: number): number;
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * JSON-line log files rotated by size (and daily) through pino-roll, with an age-based sweep
 * for retention, because pino-roll's own limit counts files rather than days.
 */
export async function openRotatingFile(opts: RotatingFileOptions): Promise<RotatingFile> {
  const stream = (await pinoRoll({
    file: path.join(opts.dir, opts.baseName),
    size: `${Math.max(1, Math.round(opts.maxBytes / 1024))}k`,
    frequency: 'daily',
    extension: '.log',
    mkdir: true,
    // No `current.log` link: pino-roll re-creates it on every roll without awaiting, so two rolls in a
    // row race (EEXIST) and surface as an unhandled rejection. Nothing here reads the link.
    symlink: false,
  })) as unknown as RotatingFile['stream'];

  const sweep = (now = Date.now()): number => {
    let removed = 0;
    for (const name of readdirSync(opts.dir)) {
      if (!name.startsWith(opts.baseName) || !name.endsWith('.log')) continue;
      const file = path.join(opts.dir, name);
      try {
        if (now - statSync(file).mtimeMs > opts.retentionDays * DAY_MS) {
          unlinkSync(file);
          removed++;
        }
      } catch {
        // Raced with rotation; the next sweep gets it.
      }
    }
    return removed;
  };
  sweep();
  const timer = setInterval(sweep, 6 * 60 * 60 * 1000);
  timer.unref();

  return {
    stream,
    dir: opts.dir,
    sweep,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        try {
          stream.flushSync?.();
        } catch {
          // nothing buffered
        }
        if (!stream.end) return resolve();
        (stream as unknown as NodeJS.EventEmitter).once('close', () => resolve());
        (stream as unknown as NodeJS.EventEmitter).once('error', () => resolve());
        stream.end();
        setTimeout(resolve, 500).unref();
      }),
  };
}
