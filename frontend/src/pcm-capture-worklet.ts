// AudioWorklet: mono mic input → PCM16 frames at the target rate (default 16 kHz), 20 ms each,
// plus an RMS level per frame for the meter. Built to /pcm-capture-worklet.js.

declare const sampleRate: number;
declare const currentTime: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: { processorOptions?: unknown });
}

interface Options {
  targetRate: number;
  frameMs: number;
}

class PcmCaptureProcessor extends AudioWorkletProcessor {
  private readonly ratio: number;
  private readonly frame: Int16Array;
  private filled = 0;
  private pos = 0;
  private sumSq = 0;

  constructor(options?: { processorOptions?: unknown }) {
    super(options);
    const o = (options?.processorOptions ?? {}) as Partial<Options>;
    const target = o.targetRate ?? 16000;
    this.ratio = sampleRate / target;
    this.frame = new Int16Array(Math.round((target * (o.frameMs ?? 20)) / 1000));
  }

  process(inputs: Float32Array[][]): boolean {
    const ch = inputs[0]?.[0];
    if (!ch) return true;
    // Linear-interpolation resampler with a running read position across blocks.
    while (this.pos < ch.length - 1) {
      const i = Math.floor(this.pos);
      const f = this.pos - i;
      const s = (ch[i] ?? 0) * (1 - f) + (ch[i + 1] ?? 0) * f;
      this.sumSq += s * s;
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(s * 32767)));
      if (this.filled === this.frame.length) {
        const out = this.frame.slice();
        // `at` is the audio clock when the frame was completed, so rates can be judged on the audio thread's
        // own time, however late the main thread reads the message.
        this.port.postMessage({ pcm: out.buffer, rms: Math.sqrt(this.sumSq / out.length), at: currentTime }, [out.buffer]);
        this.filled = 0;
        this.sumSq = 0;
      }
      this.pos += this.ratio;
    }
    this.pos -= ch.length;
    return true;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
