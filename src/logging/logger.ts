import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import pinoPretty from 'pino-pretty';
import { redactLine } from './redact.ts';
import { openRotatingFile, type RotatingFile } from './rotating-file.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Directory for JSON-line files (`DATA_DIR/logs`); omitted = no file output. */
  fileDir?: string;
  maxSizeMb?: number;
  retentionDays?: number;
  /** Console output: 'pretty' (readable), 'json' or 'none'. */
  console: 'pretty' | 'json' | 'none';
  /** Extra destination (tests capture lines here). */
  extraStream?: DestinationStream;
}

export interface LoggerHandle {
  log: Logger;
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
  // Redaction happens on the serialized line, so it covers child bindings, errors and
  // interpolated messages alike, wherever a secret appears.
  // After close() a late line (e.g. a socket closing during shutdown) is dropped, never thrown.
  let closed = false;
  const scrubbed = (stream: DestinationStream): DestinationStream => ({
    write: (line: string) => {
      if (!closed) stream.write(redactLine(line));
    },
  });
  let file: RotatingFile | undefined;
  if (opts.fileDir) {
    mkdirSync(opts.fileDir, { recursive: true });
    file = await openRotatingFile({ dir: opts.fileDir, baseName: 'vtuber', maxBytes: Math.round((opts.maxSizeMb ?? 10) * 1024 * 1024), retentionDays: opts.retentionDays ?? 30 });
    streams.push({ level: 'trace', stream: scrubbed(file.stream) });
  }
  if (opts.console === 'pretty') {
    streams.push({ level: 'trace', stream: scrubbed(pinoPretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', messageKey: 'msg', timestampKey: 'ts', destination: 1, sync: true })) });
  } else if (opts.console === 'json') {
    streams.push({ level: 'trace', stream: scrubbed(pino.destination({ dest: 1, sync: true })) });
  }
  if (opts.extraStream) streams.push({ level: 'trace', stream: scrubbed(opts.extraStream) });

  const log = pino(
    {
      level: opts.level,
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    pino.multistream(streams, { dedupe: false }),
  );
  return {
    log,
    file,
    async close() {
      if (closed) return;
      log.flush();
      closed = true;
      await file?.close();
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
