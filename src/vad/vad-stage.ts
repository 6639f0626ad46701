import { AudioIngest } from '../audio/audio-ingest.ts';
import '../audio/audio-events.ts';
import { defineStage } from '../plugin-host/define-stage.ts';
import type { SherpaVad } from './sherpa-vad.ts';
import { findSileroModel } from './silero-model.ts';
import './vad-events.ts';
import { createVadFor, VadStream } from './vad-stream.ts';

/**
 * Stage `vad`: turns client microphone audio into 16 kHz windows (`audio.window`) and runs a
 * streaming Silero VAD per client, announcing `vad.speech_start` (barge-in) and `vad.speech_end`
 * (the segment, for ASR), plus a tentative `vad.speech_pause` / `vad.speech_resume` ahead of the hangover.
 * Native detectors are pooled, so a new stream costs no model load.
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
    const streams = new Map<string, VadStream>();

    const ingest = new AudioIngest(ctx.bus, ctx.log, {
      maxStreams: cfg.max_streams,
      onRefused: (uid) => ctx.hub.send(uid, { type: 'error', code: 'QUEUE_FULL', message: `at most ${cfg.max_streams} microphone streams at once`, retryable: true }),
    });

    const release = (uid: string): void => {
      const stream = streams.get(uid);
      if (!stream) return;
      streams.delete(uid);
      const vad = stream.finish();
      if (pool.length < cfg.max_streams) pool.push(vad);
    };

    ctx.on('audio.stream_start', ({ clientUid }) => {
      release(clientUid);
      const vad = pool.pop() ?? createVadFor(cfg, model);
      const stream = new VadStream(cfg, vad, {
        onStart: (startMs, at) => {
          ctx.log.debug({ event: 'vad.speech_start', client_uid: clientUid, start_ms: startMs }, 'speech started');
          ctx.bus.emit('vad.speech_start', { clientUid, at, startMs });
        },
        onEnd: (seg) => {
          ctx.log.debug({ event: 'vad.speech_end', client_uid: clientUid, start_ms: seg.startMs, end_ms: seg.endMs }, 'speech ended');
          ctx.bus.emit('vad.speech_end', { clientUid, ...seg });
        },
        onPause: (seg) => ctx.bus.emit('vad.speech_pause', { clientUid, ...seg }),
        onResume: (pauseId) => ctx.bus.emit('vad.speech_resume', { clientUid, pauseId }),
      });
      streams.set(clientUid, stream);
    });
    ctx.on('audio.window', ({ clientUid, samples }) => streams.get(clientUid)?.accept(samples));
    ctx.on('audio.stream_end', ({ clientUid }) => release(clientUid));
    ctx.onDispose(ingest.start());

    ctx.setStatus('live', { info: { model, threshold: cfg.threshold, hangover_ms: cfg.min_silence_ms, min_speech_ms: cfg.min_speech_ms, pre_roll_ms: cfg.pre_roll_ms, pause_ms: cfg.pause_ms } });
  },
});
