import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type DestinationStream, type Level, type Logger, type StreamEntry } from 'pino';
import pinoPretty from 'pino-pretty';
import { redactLine } from './redact.ts';
import { openRotatingFile, type RotatingFile } from './rotating-file.ts';
import { traceMixin } from './trace-context.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Directory for JSON-line files (`DATA_DIR/logs`); omitted = no file output. */
  fileDir?: string;
  maxSizeMb?: number;
  retentionDays?: number;
  /** Console output: 'pretty' (readable), 'json' or 'none'. */
  console: 'pretty' | 'json' | 'none';
  /** Extra destination (tests capture lines here); access lines go here too. */
  extraStream?: DestinationStream;
  /** `APP_DEBUG=1`: also write every debug line to `debug*.log` in `fileDir`, kept 7 days. */
  debugFile?: boolean;
}

/** Days a debug file (APP_DEBUG=1) is kept. */
export const DEBUG_RETENTION_DAYS = 7;

export interface LoggerHandle {
  log: Logger;
  /** The access log: one line per HTTP request, in its own sink (`access*.log`). */
  access: Logger;
  file: RotatingFile | undefined;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * One pino root logger. Lines carry `ts, level, component, event` and data in fields; every
 * object and string argument is scrubbed of secrets before it is serialized.
 */
export async function createLogger(opts: LoggerOptions): Promise<LoggerHandle> {
  const streams: StreamEntry[] = [];
  const accessStreams: StreamEntry[] = [];
  // Redaction happens on the serialized line, so it covers child bindings, errors and
  // interpolated messages alike, wherever a secret appears.
  // After close() a late line (e.g. a socket closing during shutdown) is dropped, never thrown.
  let closed = false;
  // The multistream hands the same line to each sink in turn: scrub it once, not once per sink.
  let lastRaw = '';
  let lastScrubbed = '';
  const scrub = (line: string): string => {
    if (line !== lastRaw) {
      lastRaw = line;
      lastScrubbed = redactLine(line);
    }
    return lastScrubbed;
  };
  const scrubbed = (stream: DestinationStream): DestinationStream => ({
    write: (line: string) => {
      if (!closed) stream.write(scrub(line));
    },
  });
  // With a debug file the root logger lets debug lines through; the other sinks keep the configured level.
  const debug = opts.debugFile === true && opts.fileDir !== undefined;
  const sinkLevel = (debug ? opts.level : 'trace') as Level;
  const files: RotatingFile[] = [];
  const open = async (baseName: string, retentionDays: number): Promise<RotatingFile> => {
    const f = await openRotatingFile({ dir: opts.fileDir as string, baseName, maxBytes: Math.round((opts.maxSizeMb ?? 10) * 1024 * 1024), retentionDays });
    files.push(f);
    return f;
  };
  let file: RotatingFile | undefined;
  if (opts.fileDir) {
    mkdirSync(opts.fileDir, { recursive: true });
    file = await open('vtuber', opts.retentionDays ?? 30);
    streams.push({ level: sinkLevel, stream: scrubbed(file.stream) });
    accessStreams.push({ level: 'trace', stream: scrubbed((await open('access', opts.retentionDays ?? 30)).stream) });
    if (debug) streams.push({ level: 'debug', stream: scrubbed((await open('debug', DEBUG_RETENTION_DAYS)).stream) });
  }
  if (opts.console === 'pretty') {
    streams.push({ level: sinkLevel, stream: scrubbed(pinoPretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', messageKey: 'msg', timestampKey: 'ts', destination: 1, sync: true })) });
  } else if (opts.console === 'json') {
    streams.push({ level: sinkLevel, stream: scrubbed(pino.destination({ dest: 1, sync: true })) });
  }
  if (opts.extraStream) {
    const extra = scrubbed(opts.extraStream);
    streams.push({ level: sinkLevel, stream: extra });
    accessStreams.push({ level: 'trace', stream: extra });
  }

  const options = {
    base: undefined,
    messageKey: 'msg',
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    // request_id / client_uid / ws_seq of the input being handled, on every line logged for it.
    mixin: traceMixin,
  };
  const rank = (l: string): number => pino.levels.values[l] ?? Number.POSITIVE_INFINITY;
  const level = debug && rank(opts.level) > rank('debug') ? 'debug' : opts.level;
  const log = pino({ ...options, level }, pino.multistream(streams, { dedupe: false }));
  const access = accessStreams.length > 0 ? pino({ ...options, level: opts.level }, pino.multistream(accessStreams, { dedupe: false })).child({ component: 'access' }) : log.child({ component: 'access' });
  return {
    log,
    access,
    file,
    async close() {
      if (closed) return;
      log.flush();
      access.flush();
      closed = true;
      await Promise.all(files.map((f) => f.close()));
    },
  };
}

/** A child logger for one component; `component` is the field every line of it carries. */
export function componentLogger(parent: Logger, component: string, bindings: Record<string, unknown> = {}): Logger {
  return parent.child({ component, ...bindings });
}

export function logDirFor(dataDir: string): string {
  return path.join(dataDir, 'logs');
}
