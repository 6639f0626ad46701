// A small structured logger for the pages: console output plus an optional sink (log ingest).
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogEntry {
  ts: string;
  level: LogLevel;
  component: string;
  event: string;
  msg?: string;
  request_id?: string;
  client_uid?: string;
  ws_seq?: number;
  data?: Record<string, string | number | boolean | null>;
}

export type LogSink = (entry: LogEntry) => void;

/** Context every line carries once known (set by the socket client). */
const context: { client_uid?: string; ws_seq?: number } = {};
const sinks: LogSink[] = [];
const recent: LogEntry[] = [];
let minLevel: LogLevel = 'info';

export function setLogLevel(level: LogLevel): void {
  minLevel = level;
}
export function setLogContext(patch: { client_uid?: string; ws_seq?: number }): void {
  Object.assign(context, patch);
}
export function addLogSink(sink: LogSink): () => void {
  sinks.push(sink);
  return () => sinks.splice(sinks.indexOf(sink), 1);
}
/** The last lines (newest last), for tests and the debug handle. */
export function recentLogs(): readonly LogEntry[] {
  return recent;
}

export interface Logger {
  debug(event: string, data?: LogEntry['data'], extra?: Partial<LogEntry>): void;
  info(event: string, data?: LogEntry['data'], extra?: Partial<LogEntry>): void;
  warn(event: string, data?: LogEntry['data'], extra?: Partial<LogEntry>): void;
  error(event: string, data?: LogEntry['data'], extra?: Partial<LogEntry>): void;
}

/** A logger for one component. Events are `scope.action`; data goes in fields, never in the message. */
export function createLogger(component: string): Logger {
  const write = (level: LogLevel, event: string, data?: LogEntry['data'], extra?: Partial<LogEntry>): void => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const entry: LogEntry = { ts: new Date().toISOString(), level, component, event, ...context, ...extra, ...(data ? { data } : {}) };
    recent.push(entry);
    if (recent.length > 200) recent.shift();
    const line = JSON.stringify(entry);
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
    for (const sink of sinks) {
      try {
        sink(entry);
      } catch {
        // A failing sink must not break logging.
      }
    }
  };
  return {
    debug: (e, d, x) => write('debug', e, d, x),
    info: (e, d, x) => write('info', e, d, x),
    warn: (e, d, x) => write('warn', e, d, x),
    error: (e, d, x) => write('error', e, d, x),
  };
}
