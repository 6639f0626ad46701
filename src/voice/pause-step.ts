import { INGEST_WINDOW } from '../audio/ingest-format.ts';
import type { SampleHistory } from '../audio/sample-history.ts';
import type { VadConfig } from '../vad/vad-config.ts';
import { PauseDetector } from '../vad/pause-detector.ts';
import { msToSamples, speechSegment } from '../vad/vad-stream.ts';
import type { VoiceFrame, VoiceStep } from './voice-frames.ts';

/**
 * The early end-of-speech guess: inside an utterance, `pause_ms` of quiet (30 dB under its peak)
 * reports `speech_pause` with the utterance so far, well before the VAD's hangover ends it; voice
 * coming back reports `speech_resume`. A `speech_end` that follows a pause still standing carries
 * its `pauseId`, so work started at the pause can be kept. Frames pass through in order.
 * `history` is the one the VAD step writes (it already holds each window when its frames arrive).
 */
export function detectPauses(config: VadConfig, history: SampleHistory): VoiceStep<VoiceFrame, VoiceFrame> {
  return async function* (input) {
    // A pause as long as the hangover would only repeat the end.
    const detector = new PauseDetector(config.pause_ms < config.min_silence_ms ? msToSamples(config.pause_ms) : 0);
    /** End of the audio frames passed so far: a speech_start arrives before the frame of its window. */
    let heard = 0;
    const preRoll = msToSamples(config.pre_roll_ms);
    let start: number | undefined;
    let seq = 0;
    let pauseId: number | undefined;
    for await (const frame of input) {
      if (frame.kind === 'speech_start') {
        start = msToSamples(frame.startMs);
        pauseId = undefined;
        detector.begin(history.slice(start, heard), INGEST_WINDOW);
        yield frame;
      } else if (frame.kind === 'speech_end') {
        const confirmed = detector.paused ? pauseId : undefined;
        start = undefined;
        pauseId = undefined;
        detector.stop();
        yield confirmed !== undefined ? { kind: 'speech_end', segment: { ...frame.segment, pauseId: confirmed }, pauseId: confirmed } : frame;
      } else if (frame.kind === 'audio') {
        heard = history.end;
        const change = start !== undefined ? detector.accept(frame.samples, history.end) : undefined;
        if (change?.kind === 'pause' && start !== undefined) {
          pauseId = ++seq;
          yield { kind: 'speech_pause', segment: speechSegment(history, start, change.end, preRoll), pauseId };
        } else if (change?.kind === 'resume' && pauseId !== undefined) {
          const id = pauseId;
          pauseId = undefined;
          yield { kind: 'speech_resume', pauseId: id };
        }
        yield frame;
      } else yield frame;
    }
  };
}
