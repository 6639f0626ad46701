import type { SampleHistory } from '../audio/sample-history.ts';
import type { VadConfig } from '../vad/vad-config.ts';
import type { SherpaVad } from '../vad/sherpa-vad.ts';
import { VadStream } from '../vad/vad-stream.ts';
import type { VoiceFrame, VoiceStep } from './voice-frames.ts';

/**
 * Silero VAD over 16 kHz windows: passes every window on as an `audio` frame, preceded by the
 * `speech_start` / `speech_end` decided on it. `detector` is a fresh or reset native detector
 * (pooled by the VAD stage); at the end of the input an open utterance is closed and reported.
 * Every window is written to `history` (see `speechHistorySamples`) before its frames go on, so
 * the later steps read the stream's audio from it rather than keeping copies of their own.
 */
export function detectSpeech(config: VadConfig, detector: SherpaVad, history: SampleHistory): VoiceStep<Float32Array, VoiceFrame> {
  return async function* (input) {
    const decided: VoiceFrame[] = [];
    const stream = new VadStream(
      config,
      detector,
      {
        onStart: (startMs, at) => decided.push({ kind: 'speech_start', startMs, at }),
        onEnd: (segment) => decided.push({ kind: 'speech_end', segment }),
      },
      history,
    );
    // One frame object for every window: downstream reads it before asking for the next.
    const audio: { kind: 'audio'; samples: Float32Array } = { kind: 'audio', samples: new Float32Array(0) };
    for await (const window of input) {
      stream.accept(window);
      if (decided.length > 0) {
        for (const frame of decided) yield frame;
        decided.length = 0;
      }
      audio.samples = window;
      yield audio;
    }
    stream.finish();
    yield* decided;
  };
}
