// Worker thread for POST /asr: WAV decoding, resampling to 16 kHz and recognition run here, with
// the thread's own recognizer, so a long upload never blocks the daemon's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { mixToMono } from '../audio/pcm.ts';
import { resample } from '../audio/resample.ts';
import { decodeWav } from '../audio/wav.ts';
import { EngineError, isEngineError } from '../core/errors.ts';
import type { AsrEngine } from './asr-engine.ts';
import { registerBuiltinAsrEngines } from './builtin-engines.ts';
import { getAsrEngineFactory } from './engine-registry.ts';
import { lowerThisThreadsPriority } from '../core/thread-priority.ts';
import type { UploadJob, UploadReply, UploadWorkerInit } from './upload-protocol.ts';

/** Uploads are batch work: the daemon's own thread (live voice, websocket, /healthz) always goes first. */
const UPLOAD_THREAD_NICE = 10;

const init = (workerData as { data: UploadWorkerInit }).data;
lowerThisThreadsPriority(UPLOAD_THREAD_NICE);
const port = parentPort;
if (!port) throw new Error('upload-worker must run in a worker thread');

let engine: Promise<AsrEngine> | undefined;
function getEngine(): Promise<AsrEngine> {
  if (!engine) {
    registerBuiltinAsrEngines();
    const factory = getAsrEngineFactory(init.engine);
    engine = factory
      ? factory.create({ config: init.config, modelsDir: init.modelsDir, log: pino({ level: 'silent' }), env: process.env, decodeOnCallingThread: true })
      : Promise.reject(new EngineError('STAGE_UNAVAILABLE', `asr.engine "${init.engine}" is not a built-in engine`));
  }
  return engine;
}

async function run(job: UploadJob): Promise<UploadReply> {
  try {
    const wav = decodeWav(new Uint8Array(job.wav, 0, job.bytes ?? job.wav.byteLength));
    if (wav.frames === 0) throw new EngineError('BAD_AUDIO', 'the WAV file holds no samples');
    const samples = resample(mixToMono(wav.channelData), wav.sampleRate, 16_000);
    const recognizer = await getEngine();
    const started = performance.now();
    const result = await recognizer.transcribe(samples);
    return { id: job.id, ok: true, text: result.text, ...(result.language ? { language: result.language } : {}), durationMs: wav.durationMs, decodeMs: performance.now() - started };
  } catch (err) {
    if (isEngineError(err)) return { id: job.id, ok: false, code: err.code, message: err.message };
    return { id: job.id, ok: false, code: 'ASR_FAILED', message: `upload decode failed: ${(err as Error).message}` };
  }
}

// One job at a time: the thread has one recognizer, and a second job would only share its CPU.
let tail: Promise<unknown> = Promise.resolve();
port.on('message', (job: UploadJob) => {
  tail = tail.then(async () => {
    const reply = await run(job);
    // The samples were copied out by decodeWav, so the buffer can go back to the daemon's pool.
    if (job.returnBuffer) port.postMessage({ ...reply, buffer: job.wav }, [job.wav]);
    else port.postMessage(reply);
  });
});
