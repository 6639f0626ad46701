import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Splits a configured command line on whitespace (no shell is involved). */
export function splitCommand(line: string): [string, ...string[]] {
  const parts = line.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new Error('empty command');
  return parts as [string, ...string[]];
}

/** The full path of `cmd` found on PATH (or `cmd` itself when it has a slash and is executable); no process is spawned. */
export function findExecutable(cmd: string, envPath: string = process.env.PATH ?? ''): string | undefined {
  const candidates = cmd.includes('/') ? [cmd] : envPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, cmd));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
