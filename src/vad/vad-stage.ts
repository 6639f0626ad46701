import { defineStage } from '../plugin-host/define-stage.ts';
import type { SherpaVad } from './sherpa-vad.ts';
import { findSileroModel } from './silero-model.ts';
import type { VadConfig } from './vad-config.ts';
import './vad-events.ts';
import { createVadFor } from './vad-stream.ts';

/** Native Silero detectors for voice sessions (src/voice), pooled so a new stream costs no model load. */
export interface VadService {
  readonly config: VadConfig;
  readonly model: string;
  /** A fresh or reset detector. */
  acquire(): SherpaVad;
  /** Gives a detector back (it is reset here). */
  release(detector: SherpaVad): void;
}

declare module '../core/services.ts' {
  interface ServiceMap {
    /** Provided by the VAD stage when its model loaded. */
    vad: VadService;
  }
}

/**
 * Stage `vad`: finds and loads the Silero model and keeps a pool of detectors for the voice
 * sessions, which run the streaming VAD per client (src/voice/voice-session.ts). A missing model
 * leaves the stage `unavailable` with the command that fetches it.
 */
export const vadStage = defineStage({
  name: 'vad',
  setup(ctx) {
    const cfg = ctx.config.vad;
    if (!cfg.enabled) {
      ctx.setStatus('disabled', { detail: 'vad.enabled is false: microphone audio is ignored' });
      return;
    }
    const model = findSileroModel(cfg.model, ctx.settings.modelsDir);
    if (!model) {
      const detail = cfg.model
        ? `Silero VAD model ${cfg.model} not found; fix vad.model or run: npm run models -- pull silero-vad`
        : 'Silero VAD model not found; run: npm run models -- pull silero-vad';
      ctx.log.warn({ event: 'vad.model_missing' }, detail);
      ctx.setStatus('unavailable', { detail });
      return;
    }
    const pool: SherpaVad[] = [createVadFor(cfg, model)];
    ctx.onDispose(
      ctx.services.provide('vad', {
        config: cfg,
        model,
        acquire: () => pool.pop() ?? createVadFor(cfg, model),
        release: (detector) => {
          detector.reset();
          if (pool.length < cfg.max_streams) pool.push(detector);
        },
      }),
    );
    ctx.setStatus('live', { info: { model, threshold: cfg.threshold, hangover_ms: cfg.min_silence_ms, min_speech_ms: cfg.min_speech_ms, pre_roll_ms: cfg.pre_roll_ms, pause_ms: cfg.pause_ms } });
  },
});
