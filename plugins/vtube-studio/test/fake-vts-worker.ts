// Hosts a FakeVtsServer in a worker thread, so its arrival timestamps are taken on an event loop that the
// daemon under test (on the main thread) cannot stall. Timestamps are posted as epoch-based
// (`performance.timeOrigin + now`) and converted back to the main thread's `performance.now()` scale.
import { performance } from 'node:perf_hooks';
import { parentPort, Worker } from 'node:worker_threads';
import { FakeVtsServer, VtsRecorder, type Injection } from './fake-vts-server.ts';

type FromWorker = { kind: 'ready'; port: number } | { kind: 'request'; type: string; data: Record<string, unknown>; abs: number; sentAbs?: number; values?: Injection['values'] } | { kind: 'stopped' };

if (parentPort) {
  const port = parentPort;
  const fake = new FakeVtsServer();
  fake.onRecord = (r, inj) => port.postMessage({ kind: 'request', type: r.type, data: r.data, abs: performance.timeOrigin + r.at, ...(r.sentAt !== undefined ? { sentAbs: performance.timeOrigin + r.sentAt } : {}), ...(inj ? { values: inj.values } : {}) } satisfies FromWorker);
  port.on('message', (m: { op: 'stop' }) => {
    if (m.op === 'stop') void fake.stop().then(() => port.postMessage({ kind: 'stopped' } satisfies FromWorker));
  });
  void fake.start().then(() => port.postMessage({ kind: 'ready', port: fake.port } satisfies FromWorker));
}

/** The main thread's handle on a fake VTube Studio running in a worker. */
export class WorkerVtsServer extends VtsRecorder {
  port = 0;
  private constructor(private readonly worker: Worker) {
    super();
  }

  static async start(): Promise<WorkerVtsServer> {
    const worker = new Worker(new URL('./fake-vts-worker-entry.mjs', import.meta.url));
    const host = new WorkerVtsServer(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') {
          host.port = m.port;
          resolve();
        } else if (m.kind === 'request') {
          const at = m.abs - performance.timeOrigin;
          const sent = m.sentAbs === undefined ? {} : { sentAt: m.sentAbs - performance.timeOrigin };
          host.requests.push({ at, type: m.type, data: m.data, ...sent });
          if (m.values) host.injections.push({ at, values: m.values, ...sent });
        }
      });
    });
    return host;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.worker.on('message', (m: FromWorker) => m.kind === 'stopped' && resolve()));
    this.worker.postMessage({ op: 'stop' });
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 2_000))]);
    await this.worker.terminate();
  }
}
