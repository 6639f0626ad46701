import type { IncomingMessage } from 'node:http';
import { readWavHeader, wavHeaderArrived, type WavInfo } from '../audio/wav.ts';
import { EngineError } from '../core/errors.ts';
import type { UploadBufferPool } from './upload-buffer-pool.ts';

export interface WavBodyOptions {
  /** Largest body accepted, in bytes (asr.upload_max_bytes); the pool's buffers are this big. */
  maxBytes: number;
  /** Where the receive buffer comes from; it goes back there when the upload is refused. */
  pool: UploadBufferPool;
  /** Judges the header as soon as it has arrived; throws (an EngineError) to refuse the upload. */
  check(header: WavInfo): void;
}

/**
 * What the body parser gives the route for an upload it refused (the route throws `error`). It is
 * not thrown from the parser itself: fastify closes the connection on a parser error, and a client
 * still sending its body would see a reset instead of the answer. The rest of the body is drained.
 */
export class RefusedUpload {
  constructor(readonly error: unknown) {}
}

/** A header that has not shown its data chunk within this many bytes is refused. */
const HEADER_MAX_BYTES = 64 * 1024;

/**
 * Reads an `audio/wav` request body into one buffer of its own, copying each network chunk in as it
 * arrives. The WAV header is judged as soon as it is in (sample rate, duration from the declared
 * size), so a refused upload is answered without waiting for, or keeping, the rest of its body.
 *
 * Why not fastify's `parseAs: 'buffer'`: that keeps every chunk and joins them at the end in one
 * synchronous copy into fresh memory, which blocked the event loop for ~100 ms per 10 MB on this VM
 * (fresh pages fault in as they are written). Here each chunk is copied as it arrives into a
 * pooled buffer whose pages are already in, and that buffer moves to the upload worker thread
 * without a copy and comes back with the reply (upload-buffer-pool.ts).
 */
export function readWavBody(req: IncomingMessage, opts: WavBodyOptions): Promise<Uint8Array | RefusedUpload> {
  const declared = Number(req.headers['content-length']);
  const known = Number.isSafeInteger(declared) && declared >= 0;
  if (known && declared > opts.maxBytes) {
    req.resume();
    return Promise.resolve(new RefusedUpload(tooLarge(declared, opts.maxBytes)));
  }
  return new Promise<Uint8Array | RefusedUpload>((resolve, reject) => {
    const store = opts.pool.take();
    const buf = new Uint8Array(store, 0, Math.min(store.byteLength, opts.maxBytes));
    let length = 0;
    let judged = false;
    const detach = (): void => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
    };
    const refuse = (err: unknown): void => {
      detach();
      opts.pool.give(store);
      // The rest of the body is read and dropped, so the client gets the answer on a usable connection.
      req.resume();
      resolve(new RefusedUpload(err));
    };
    const onError = (err: Error): void => {
      detach();
      opts.pool.give(store);
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      try {
        if (length + chunk.length > opts.maxBytes) throw tooLarge(length + chunk.length, opts.maxBytes);
        if (known && length + chunk.length > declared) throw new EngineError('BAD_AUDIO', `the body is longer than its Content-Length (${declared} bytes)`);
        buf.set(chunk, length);
        length += chunk.length;
        if (!judged && known && wavHeaderArrived(buf.subarray(0, length))) {
          judged = true;
          opts.check(readWavHeader(buf.subarray(0, length), { totalBytes: declared }));
        } else if (!judged && length > HEADER_MAX_BYTES) {
          throw new EngineError('BAD_AUDIO', `no WAV data chunk within the first ${HEADER_MAX_BYTES} bytes`);
        }
      } catch (err) {
        refuse(err);
      }
    };
    const onEnd = (): void => {
      detach();
      try {
        const body = buf.subarray(0, length);
        if (!judged) opts.check(readWavHeader(body));
        resolve(body);
      } catch (err) {
        opts.pool.give(store);
        resolve(new RefusedUpload(err));
      }
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

function tooLarge(bytes: number, max: number): EngineError {
  return new EngineError('PAYLOAD_TOO_LARGE', `the body is ${bytes} bytes; POST /asr accepts at most ${max} bytes (asr.upload_max_bytes)`);
}
