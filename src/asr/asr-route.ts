import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { mixToMono } from '../audio/pcm.ts';
import { resampleYielding } from '../audio/resample.ts';
import { decodeWav, readWavHeader, type WavInfo } from '../audio/wav.ts';
import { EngineError } from '../core/errors.ts';
import { PerIpLimiter } from '../server/per-ip-limiter.ts';
import type { AsrService } from './asr-events.ts';
import type { AsrUploadWorker } from './upload-worker-client.ts';
import { UploadBufferPool } from './upload-buffer-pool.ts';
import { readWavBody, RefusedUpload } from './wav-body-reader.ts';

export interface AsrRouteOptions {
  service: () => AsrService | undefined;
  /** When present, uploads are decoded, resampled and transcribed in this worker thread. */
  uploadWorker?: () => AsrUploadWorker | undefined;
  maxBytes: number;
  /** Longest audio accepted, in seconds (checked from the header, before decoding). */
  maxSeconds: number;
  /** Requests one client address may have in flight. */
  concurrencyPerIp: number;
  /** The daemon's input guard (a bearer input token off loopback, failures limited per address). */
  requireInput: preHandlerHookHandler;
}

const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'];
/** Rates a microphone or recorder really produces; anything else is a malformed or hostile file. */
export const ASR_MIN_RATE = 8000;
export const ASR_MAX_RATE = 48_000;
/** Receive buffers kept for reuse (each asr.upload_max_bytes): enough for a few uploads at once. */
const POOLED_BUFFERS = 3;

/**
 * `POST /asr`: a WAV file (body `audio/wav`, or multipart field `file`) → `{ text }`.
 * Strict: RIFF/WAVE, PCM16 or float32, 1–2 channels, 8–48 kHz, at most `maxBytes` and `maxSeconds`.
 * The limits are checked from the header before any decoding. Decoding, resampling and recognition
 * run in the upload worker thread when there is one (else resampling yields to the event loop every
 * second of audio), and each client address has at most `concurrencyPerIp` requests in flight.
 * Everything is parsed in memory, so nothing is written to disk.
 */
export async function registerAsrRoute(app: FastifyInstance, opts: AsrRouteOptions): Promise<void> {
  const check = (header: WavInfo): void => {
    if (header.sampleRate < ASR_MIN_RATE || header.sampleRate > ASR_MAX_RATE) {
      throw new EngineError('BAD_AUDIO', `WAV sample rate ${header.sampleRate} Hz is not accepted; use ${ASR_MIN_RATE}..${ASR_MAX_RATE} Hz`);
    }
    if (header.durationMs > opts.maxSeconds * 1000) {
      throw new EngineError('PAYLOAD_TOO_LARGE', `the audio is ${(header.durationMs / 1000).toFixed(1)} s long; POST /asr accepts at most ${opts.maxSeconds} s (asr.upload_max_seconds)`);
    }
  };
  // A WAV body is judged from its header while it arrives (see wav-body-reader.ts).
  const pool = new UploadBufferPool(opts.maxBytes, POOLED_BUFFERS);
  app.addContentTypeParser(WAV_TYPES, async (req: FastifyRequest) => readWavBody(req.raw, { maxBytes: opts.maxBytes, pool, check }));
  await app.register(fastifyMultipart, { limits: { fileSize: opts.maxBytes, files: 1, fields: 8, parts: 9 }, throwFileSizeLimit: true });

  const limiter = new PerIpLimiter(opts.concurrencyPerIp, 'POST /asr');
  // The input guard runs before the body is read: a caller without the token gets 401 and costs no upload.
  app.post('/asr', { bodyLimit: opts.maxBytes, onRequest: opts.requireInput }, async (req, reply) => {
    if (req.body instanceof RefusedUpload) throw req.body.error;
    // A WAV body sits in a pooled buffer: it goes back to the pool unless the worker took it.
    let pooled = req.body instanceof Uint8Array ? req.body.buffer : undefined;
    try {
      const service = opts.service();
      if (!service) throw new EngineError('STAGE_UNAVAILABLE', 'speech recognition is not available: see /admin/status');
      const release = limiter.acquire(req, reply);
      try {
        const bytes = await readUpload(req);
        check(readWavHeader(bytes));
        const controller = new AbortController();
        req.raw.once('close', () => {
          if (!req.raw.complete) controller.abort();
        });
        const worker = opts.uploadWorker?.();
        if (worker) {
          const job = worker.transcribe(bytes, controller.signal, (b) => pool.give(b));
          // Moved to the thread (detached here), it comes back with the reply; refused at once (busy), it stays ours.
          if (bytes.buffer.byteLength === 0) pooled = undefined;
          const t = await job;
          return { text: t.text, ...(t.language ? { language: t.language } : {}), duration_ms: Math.round(t.durationMs), engine: service.engine.name, decode_ms: Math.round(t.decodeMs) };
        }
        const wav = decodeWav(bytes);
        if (wav.frames === 0) throw new EngineError('BAD_AUDIO', 'the WAV file holds no samples');
        const samples = await resampleYielding(mixToMono(wav.channelData), wav.sampleRate, 16_000);
        const started = performance.now();
        const result = await service.transcribe(samples, controller.signal);
        return {
          text: result.text,
          ...(result.language ? { language: result.language } : {}),
          duration_ms: Math.round(wav.durationMs),
          engine: service.engine.name,
          decode_ms: Math.round(performance.now() - started),
        };
      } finally {
        release();
      }
    } finally {
      if (pooled) pool.give(pooled);
    }
  });
}

async function readUpload(req: FastifyRequest): Promise<Uint8Array> {
  if (req.isMultipart()) {
    let found: Buffer | undefined;
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') throw new EngineError('BAD_AUDIO', `multipart field "${part.fieldname}" is not expected: send the WAV as field "file"`);
      found = await part.toBuffer();
    }
    if (!found) throw new EngineError('BAD_AUDIO', 'multipart body has no "file" field');
    return found;
  }
  if (req.body instanceof Uint8Array) return req.body;
  throw new EngineError('UNSUPPORTED_MEDIA_TYPE', `send the audio as ${WAV_TYPES[0]} or multipart/form-data with a "file" field`);
}

