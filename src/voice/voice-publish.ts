import type { Logger } from 'pino';
import type { EventBus } from '../core/bus.ts';
import { isEngineError } from '../core/errors.ts';
import { STREAMER } from '../core/input.ts';
import type { InputQueue } from '../core/input-queue.ts';
import type { ClientHub } from '../server/ws/client-hub.ts';
import '../asr/asr-events.ts';
import '../vad/vad-events.ts';
import type { VoiceFrame } from './voice-frames.ts';

export interface PublishTargets {
  clientUid: string;
  bus: EventBus;
  hub: ClientHub;
  input: InputQueue;
  log: Logger;
  /** Send partial transcripts to clients and the bus (`asr.partials`). */
  partials: boolean;
}

/**
 * The end of a voice session: each event goes where others need it. Speech events go on the bus
 * (barge-in, early replies); transcripts go to every client; a non-empty final becomes a `voice`
 * input. Audio never reaches the bus.
 */
export function publishVoiceFrame(frame: VoiceFrame, t: PublishTargets): void {
  const { clientUid, bus, hub, log } = t;
  switch (frame.kind) {
    case 'speech_start':
      log.debug({ event: 'vad.speech_start', client_uid: clientUid, start_ms: frame.startMs }, 'speech started');
      bus.emit('vad.speech_start', { clientUid, at: frame.at, startMs: frame.startMs });
      return;
    case 'speech_pause':
      bus.emit('vad.speech_pause', { clientUid, ...frame.segment, pauseId: frame.pauseId });
      return;
    case 'speech_resume':
      bus.emit('vad.speech_resume', { clientUid, pauseId: frame.pauseId });
      return;
    case 'speech_end':
      log.debug({ event: 'vad.speech_end', client_uid: clientUid, start_ms: frame.segment.startMs, end_ms: frame.segment.endMs }, 'speech ended');
      bus.emit('vad.speech_end', { clientUid, ...frame.segment });
      return;
    case 'asr_partial':
      if (!t.partials) return;
      hub.broadcast({ type: 'transcript', text: frame.text, final: false, clientUid });
      bus.emit('asr.partial', { clientUid, text: frame.text, at: frame.at });
      return;
    case 'asr_tentative':
      bus.emit('asr.tentative', { clientUid, pauseId: frame.pauseId, text: frame.text, at: frame.at });
      return;
    case 'asr_final':
      publishFinal(frame, t);
      return;
    case 'asr_error':
      log.warn({ event: 'asr.failed', client_uid: clientUid, code: frame.code, err: frame.err }, 'speech recognition failed');
      hub.send(clientUid, { type: 'error', code: frame.code, message: frame.message, retryable: true });
      return;
    case 'audio':
      return;
  }
}

function publishFinal(frame: Extract<VoiceFrame, { kind: 'asr_final' }>, t: PublishTargets): void {
  const { clientUid, result, segment } = { clientUid: t.clientUid, ...frame };
  const timings = { speech_end: segment.speechEndAt, vad_end: segment.at, asr_final: frame.at };
  t.log.info(
    { event: 'asr.final', client_uid: clientUid, chars: result.text.length, speech_ms: segment.endMs - segment.startMs, final_after_vad_ms: Math.round((timings.asr_final - timings.vad_end) * 10) / 10 },
    'utterance transcribed',
  );
  t.hub.broadcast({ type: 'transcript', text: result.text, final: true, clientUid });
  t.bus.emit('asr.final', { clientUid, text: result.text, ...(result.language ? { language: result.language } : {}), timings });
  if (!result.text) return;
  try {
    t.input.push({ kind: 'voice', text: result.text, user: STREAMER, clientUid, timings, ...(result.language ? { language: result.language } : {}) });
  } catch (err) {
    publishVoiceFrame({ kind: 'asr_error', code: isEngineError(err) ? err.code : 'ASR_FAILED', message: isEngineError(err) ? err.message : 'speech recognition failed', err }, t);
  }
}
