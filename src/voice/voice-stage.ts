import { defineStage } from '../plugin-host/define-stage.ts';
import type { Disposer } from '../core/disposable.ts';
import '../asr/asr-events.ts';
import '../vad/vad-stage.ts';
import type { Recognizer } from './asr-step.ts';
import { publishVoiceFrame } from './voice-publish.ts';
import { VoiceSession } from './voice-session.ts';

/** Where the websocket puts microphone audio (PCM16LE mono); one stream per client at a time. */
export interface VoiceInput {
  /** A client starts streaming at `sampleRate`. False when refused (too many streams at once). */
  start(clientUid: string, sampleRate: number): boolean;
  /** PCM16LE bytes; copied into the client's ring and processed later. Ignored without a stream. */
  write(clientUid: string, bytes: Uint8Array): void;
  /** The stream ended: buffered audio is still processed and an open utterance closed. */
  end(clientUid: string): void;
  /** Sees every audio frame as it is written (diagnostics and tests); keep it cheap. */
  monitor(listener: (clientUid: string, bytes: Uint8Array) => void): Disposer;
}

declare module '../core/services.ts' {
  interface ServiceMap {
    /** Provided by the voice stage (src/voice) when the VAD is available. */
    voice: VoiceInput;
  }
}

/**
 * Stage `voice`: a VoiceSession per client streaming microphone audio (see voice-session.ts for
 * the pipeline). Needs the `vad` stage's detectors; uses the `asr` stage's recognizer when there
 * is one. Ring overflows (audio dropped, oldest first) are counted in /admin/status.
 */
export const voiceStage = defineStage({
  name: 'voice',
  setup(ctx) {
    const vad = ctx.services.get('vad');
    if (!vad) {
      const detail = 'no VAD (see the vad stage): microphone audio is ignored';
      ctx.setStatus(ctx.config.vad.enabled ? 'unavailable' : 'disabled', { detail });
      return;
    }
    const sessions = new Map<string, VoiceSession>();
    const monitors = new Set<(clientUid: string, bytes: Uint8Array) => void>();
    const totals = { streams: 0, dropped_ms: 0, overflows: 0 };
    const report = (): void =>
      ctx.status.setInfo('stage', 'voice', {
        active_streams: sessions.size,
        ring_ms: ctx.config.vad.ring_ms,
        ...totals,
        dropped_ms: Math.round(totals.dropped_ms),
      });

    const start = (clientUid: string, sampleRate: number): boolean => {
      end(clientUid);
      if (sessions.size >= vad.config.max_streams) {
        ctx.log.warn({ event: 'audio.stream_refused', client_uid: clientUid, active: sessions.size }, 'too many microphone streams');
        return false;
      }
      const asr = ctx.services.get('asr');
      const recognizer: Recognizer | undefined = asr && { streaming: asr.engine.streaming, ...(asr.createStream ? { createStream: asr.createStream } : {}), transcribe: asr.transcribe };
      const detector = vad.acquire();
      const log = ctx.log.child({ client_uid: clientUid });
      let lastDropLog = 0;
      const targets = { clientUid, bus: ctx.bus, hub: ctx.hub, input: ctx.input, log, partials: ctx.config.asr.partials };
      const session = new VoiceSession({
        clientUid,
        sampleRate,
        vad: vad.config,
        detector,
        recognizer,
        ringMs: vad.config.ring_ms,
        log,
        publish: (frame) => publishVoiceFrame(frame, targets),
        onDrop: (samples) => {
          totals.dropped_ms += (samples * 1000) / sampleRate;
          totals.overflows++;
          report();
          const now = performance.now();
          if (now - lastDropLog >= 1000) {
            lastDropLog = now;
            log.warn({ event: 'audio.dropped', dropped_ms: Math.round((session.ring.droppedSamples * 1000) / sampleRate) }, 'microphone audio arrives faster than it is processed; oldest audio dropped');
          }
        },
      });
      sessions.set(clientUid, session);
      totals.streams++;
      report();
      log.debug({ event: 'audio.stream_start', sample_rate: sampleRate }, 'microphone stream started');
      session
        .run()
        .catch((err: unknown) => log.error({ event: 'voice.session_failed', err }, 'voice session failed'))
        .finally(() => {
          vad.release(detector);
          if (sessions.get(clientUid) === session) sessions.delete(clientUid);
          report();
          log.debug({ event: 'audio.stream_end', received: session.ring.receivedSamples, dropped: session.ring.droppedSamples }, 'microphone stream ended');
        });
      return true;
    };
    const end = (clientUid: string): void => {
      const session = sessions.get(clientUid);
      if (!session) return;
      sessions.delete(clientUid);
      session.end();
    };

    ctx.onDispose(
      ctx.services.provide('voice', {
        start,
        write: (clientUid, bytes) => {
          for (const m of monitors) m(clientUid, bytes);
          sessions.get(clientUid)?.write(bytes);
        },
        end,
        monitor: (listener) => {
          monitors.add(listener);
          return () => {
            monitors.delete(listener);
          };
        },
      }),
    );
    ctx.on('client.disconnected', (e) => end(e.clientUid));
    ctx.onDispose(() => {
      for (const session of sessions.values()) session.abort();
      sessions.clear();
    });
    ctx.setStatus('live', { info: { active_streams: 0, ring_ms: vad.config.ring_ms, ...totals } });
  },
});
