import { isEngineError } from '../core/errors.ts';
import { defineStage } from '../plugin-host/define-stage.ts';
import type { AsrEngine, AsrStream } from './asr-engine.ts';
import { asrConfigForLanguage } from './asr-language.ts';
import type { AsrService } from './asr-events.ts';
import { registerAsrRoute } from './asr-route.ts';
import { isBuiltinAsrEngine, registerBuiltinAsrEngines } from './builtin-engines.ts';
import { pullHint } from './model-files.ts';
import { DecodeQueue } from './decode-queue.ts';
import { getAsrEngineFactory, listAsrEngines } from './engine-registry.ts';
import { AsrUploadWorker } from './upload-worker-client.ts';

/** Uploads queued or running in the upload worker; more get QUEUE_FULL (the per-address limit comes first). */
const UPLOADS_IN_WORKER_MAX = 8;

/**
 * Stage `asr`: creates the configured recognizer once, offers it to the voice sessions (src/voice,
 * which transcribe utterances) and to others as the `asr` service, and serves `POST /asr`. A missing
 * model leaves the stage `unavailable` with the command that fetches it; text input still works.
 */
export const asrStage = defineStage({
  name: 'asr',
  async setup(ctx) {
    registerBuiltinAsrEngines();
    const { config: cfg, fromLanguage } = asrConfigForLanguage(ctx.config.asr, ctx.config.character.language);
    let service: AsrService | undefined;
    let uploads: AsrUploadWorker | undefined;
    ctx.routes((app) =>
      registerAsrRoute(app, { service: () => service, uploadWorker: () => uploads, maxBytes: cfg.upload_max_bytes, maxSeconds: cfg.upload_max_seconds, concurrencyPerIp: cfg.upload_concurrency_per_ip, requireInput: ctx.requireInput }),
    );
    if (cfg.engine === 'none') {
      ctx.setStatus('disabled', { detail: 'asr.engine is none: voice is not transcribed' });
      return;
    }
    const factory = getAsrEngineFactory(cfg.engine);
    if (!factory) {
      const detail = `unknown asr.engine "${cfg.engine}"; choose one of: ${listAsrEngines()
        .map((f) => f.name)
        .join(', ')}, none`;
      ctx.log.error({ event: 'asr.unknown_engine', engine: cfg.engine }, detail);
      ctx.setStatus('unavailable', { detail });
      return;
    }
    let engine: AsrEngine;
    const started = performance.now();
    try {
      engine = await factory.create({ config: cfg, modelsDir: ctx.settings.modelsDir, log: ctx.log, env: process.env });
    } catch (err) {
      if (!isEngineError(err) || err.code !== 'MODEL_MISSING') throw err;
      ctx.log.warn({ event: 'asr.model_missing', engine: cfg.engine, ...err.details }, err.message);
      const pull = typeof err.details?.pull === 'string' ? { pull_command: pullHint(err.details.pull) } : {};
      ctx.setStatus('unavailable', { detail: err.message, info: { engine: cfg.engine, ...pull } });
      return;
    }
    ctx.onDispose(() => engine.dispose());
    const queue = new DecodeQueue(8);
    service = {
      engine,
      transcribe: (samples, signal) => queue.run(() => engine.transcribe(samples, signal)),
      ...(engine.streaming && engine.createStream ? { createStream: () => (engine.createStream as () => AsrStream)() } : {}),
    };
    ctx.onDispose(ctx.services.provide('asr', service));
    if (cfg.upload_worker && isBuiltinAsrEngine(cfg.engine)) {
      const worker = new AsrUploadWorker({ engine: cfg.engine, config: cfg, modelsDir: ctx.settings.modelsDir }, UPLOADS_IN_WORKER_MAX, ctx.log);
      uploads = worker;
      ctx.onDispose(() => {
        uploads = undefined;
        return worker.dispose();
      });
    }
    ctx.onDispose(() => {
      service = undefined;
    });
    const loadMs = Math.round(performance.now() - started);
    ctx.log.info({ event: 'asr.ready', engine: engine.name, model: engine.model, from_language: fromLanguage, load_ms: loadMs }, 'speech recognizer ready');
    ctx.setStatus('live', { info: { engine: engine.name, model: engine.model, streaming: engine.streaming, language: ctx.config.character.language, from_language: fromLanguage, load_ms: loadMs } });
  },
});
