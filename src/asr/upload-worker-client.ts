import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ERROR_CATALOGUE, EngineError, type ErrorCode } from '../core/errors.ts';
import { startWorkerThread } from '../core/worker-thread.ts';
import type { UploadJob, UploadReply, UploadTranscript, UploadWorkerInit } from './upload-protocol.ts';

interface Pending {
  resolve(t: UploadTranscript): void;
  reject(err: Error): void;
}

/**
 * The daemon's side of the POST /asr worker thread: one thread, started on the first upload and
 * kept, with its own recognizer. At most `maxPending` uploads are queued or running; more are
 * refused with QUEUE_FULL. A thread that dies fails its jobs with ASR_FAILED and is started again
 * on the next upload.
 */
export class AsrUploadWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Where each lent buffer goes when its reply brings it back (even after the caller went away). */
  private readonly giveBack = new Map<number, (buffer: ArrayBuffer) => void>();
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly init: UploadWorkerInit,
    private readonly maxPending: number,
    private readonly log: Logger,
  ) {}

  /**
   * Decodes, resamples and transcribes one WAV file off the event loop. When `wav` owns its whole
   * memory (a large received body does) that memory is handed to the thread, not copied, and `wav`
   * is empty afterwards; the caller must not use it again.
   */
  transcribe(wav: Uint8Array, signal?: AbortSignal, giveBack?: (buffer: ArrayBuffer) => void): Promise<UploadTranscript> {
    if (this.disposed) return Promise.reject(new EngineError('SHUTTING_DOWN', 'speech recognition is stopping'));
    if (this.pending.size >= this.maxPending) return Promise.reject(new EngineError('QUEUE_FULL', `speech recognition is busy (${this.pending.size} uploads in progress)`));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    // A pooled buffer (giveBack) moves whole, with the file's length, and comes back with the reply.
    const lent = giveBack !== undefined && wav.byteOffset === 0 && wav.buffer instanceof ArrayBuffer;
    const owned = lent || (wav.byteOffset === 0 && wav.byteLength === wav.buffer.byteLength && wav.buffer instanceof ArrayBuffer);
    // new Uint8Array(view) copies; Buffer#slice would not.
    const buffer = owned ? (wav.buffer as ArrayBuffer) : new Uint8Array(wav).buffer;
    if (lent) this.giveBack.set(id, giveBack);
    return new Promise<UploadTranscript>((resolve, reject) => {
      const onAbort = (): void => {
        // The thread finishes the job; its reply finds no one waiting and is dropped.
        this.pending.delete(id);
        reject(new EngineError('ABORTED', 'the client went away'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (t) => {
          settle();
          resolve(t);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      const job: UploadJob = lent ? { id, wav: buffer, bytes: wav.byteLength, returnBuffer: true } : { id, wav: buffer };
      worker.postMessage(job, [buffer]);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll('SHUTTING_DOWN', 'speech recognition is stopping');
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorkerThread(new URL('./upload-worker.ts', import.meta.url), this.init, { maxOldGenerationSizeMb: 256 });
    w.on('message', (reply: UploadReply) => {
      const back = this.giveBack.get(reply.id);
      this.giveBack.delete(reply.id);
      if (back && reply.buffer) back(reply.buffer);
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve({ text: reply.text, ...(reply.language ? { language: reply.language } : {}), durationMs: reply.durationMs, decodeMs: reply.decodeMs });
      else p.reject(new EngineError(reply.code in ERROR_CATALOGUE ? (reply.code as ErrorCode) : 'ASR_FAILED', reply.message));
    });
    w.on('error', (err) => {
      this.log.error({ event: 'asr.upload_worker_error', err }, 'speech upload worker failed');
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (!this.disposed) {
        this.log.warn({ event: 'asr.upload_worker_exit', code }, 'speech upload worker stopped; it starts again on the next upload');
        this.failAll('ASR_FAILED', `the speech upload worker stopped (exit code ${code})`);
      }
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private failAll(code: ErrorCode, message: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    // Buffers lent to a thread that died are lost with it; the pool allocates new ones.
    this.giveBack.clear();
    for (const p of all) p.reject(new EngineError(code, message));
  }
}
