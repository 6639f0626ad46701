import { addLogSink, type LogEntry } from './logger.ts';

/**
 * Sends log lines to `POST /api/logs` in small batches when the server has log ingest on.
 * Bounded: at most `maxQueue` lines wait; more are dropped. Stops after the server says no (404/429 backs off).
 */
export function startLogShipper(opts: { maxBatch: number; intervalMs?: number; maxQueue?: number }): () => void {
  const queue: LogEntry[] = [];
  const maxQueue = opts.maxQueue ?? 200;
  let pausedUntil = 0;
  let stopped = false;
  const removeSink = addLogSink((e) => {
    if (e.level === 'debug' || queue.length >= maxQueue) return;
    queue.push(e);
  });
  const flush = async (): Promise<void> => {
    if (queue.length === 0 || Date.now() < pausedUntil) return;
    const batch = queue.splice(0, opts.maxBatch);
    try {
      const res = await fetch('/api/logs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entries: batch }) });
      if (res.status === 404) stopped = true;
      else if (res.status === 429) pausedUntil = Date.now() + 30_000;
    } catch {
      pausedUntil = Date.now() + 10_000;
    }
  };
  const timer = window.setInterval(() => {
    if (stopped) {
      window.clearInterval(timer);
      removeSink();
      return;
    }
    void flush();
  }, opts.intervalMs ?? 3000);
  return () => {
    window.clearInterval(timer);
    removeSink();
  };
}
