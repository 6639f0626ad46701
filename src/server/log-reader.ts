import { closeSync, existsSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export interface LogQuery {
  /** Minimum level. */
  level?: LogLevelName;
  component?: string;
  requestId?: string;
  /** Substring of `event`. */
  event?: string;
  /** Most lines returned (newest last). */
  limit: number;
}

export interface LogReadResult {
  lines: Array<Record<string, unknown>>;
  /** Lines looked at (the scan is bounded by `maxBytes`). */
  scanned: number;
  /** True when older lines were not scanned because of the byte bound. */
  truncated: boolean;
}

/** Reads the last `maxBytes` of a file (from a line start). */
function readTail(file: string, maxBytes: number): { text: string; cut: boolean } {
  const size = statSync(file).size;
  const start = Math.max(0, size - maxBytes);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    let text = buf.toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text, cut: start > 0 };
  } finally {
    closeSync(fd);
  }
}

/**
 * The newest server log lines (JSON lines in DATA_DIR/logs/vtuber*.log and the access log
 * access*.log) that match a filter, oldest first. Files are read newest first and the total bytes
 * read are bounded, so a huge log never stalls the daemon.
 */
export function readLogs(dir: string, query: LogQuery, maxBytes = 8 * 1024 * 1024): LogReadResult {
  if (!existsSync(dir)) return { lines: [], scanned: 0, truncated: false };
  const files = readdirSync(dir)
    .filter((f) => (f.startsWith('vtuber') || f.startsWith('access')) && f.endsWith('.log'))
    .map((f) => path.join(dir, f))
    .filter((f) => {
      try {
        // Regular files only (no links), each read once; one swept meanwhile is skipped.
        return lstatSync(f).isFile();
      } catch {
        return false;
      }
    })
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs || b.localeCompare(a));
  const minLevel = query.level ? LOG_LEVELS.indexOf(query.level) : 0;
  const picked: Array<Record<string, unknown>> = [];
  let budget = maxBytes;
  let scanned = 0;
  let truncated = false;
  for (const file of files) {
    if (budget <= 0) {
      truncated = true;
      break;
    }
    const { text, cut } = readTail(file, budget);
    budget -= Buffer.byteLength(text);
    if (cut) truncated = true;
    const fileLines = text.split('\n');
    // Up to `limit` from each file: the main and access logs are written side by side.
    let fromFile = 0;
    for (let i = fileLines.length - 1; i >= 0 && fromFile < query.limit; i--) {
      const raw = fileLines[i];
      if (!raw) continue;
      scanned++;
      let line: unknown;
      try {
        line = JSON.parse(raw);
      } catch {
        continue;
      }
      if (typeof line !== 'object' || line === null || Array.isArray(line)) continue;
      const rec = line as Record<string, unknown>;
      const level = typeof rec.level === 'string' ? LOG_LEVELS.indexOf(rec.level as LogLevelName) : -1;
      if (level < minLevel) continue;
      if (query.component && rec.component !== query.component) continue;
      if (query.requestId && rec.request_id !== query.requestId) continue;
      if (query.event && !(typeof rec.event === 'string' && rec.event.includes(query.event))) continue;
      picked.push(rec);
      fromFile++;
    }
  }
  const ts = (r: Record<string, unknown>): string => (typeof r.ts === 'string' ? r.ts : '');
  const newest = picked.sort((a, b) => (ts(a) < ts(b) ? 1 : ts(a) > ts(b) ? -1 : 0)).slice(0, query.limit);
  return { lines: newest.reverse(), scanned, truncated };
}
