/** A window is quiet when its energy is this many dB below the utterance's loudest window. */
const DYNAMIC_RANGE_DB = 30;
const FLOOR_RATIO = 10 ** (-DYNAMIC_RANGE_DB / 10);

export type PauseChange = { kind: 'pause'; end: number } | { kind: 'resume' };

function meanSquare(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length > 0 ? sum / samples.length : 0;
}

/**
 * Spots a tentative end of speech early, from the waveform: once `pauseSamples` of audio in a row
 * stay 30 dB under the loudest window of the utterance so far, the speaker has probably stopped.
 * Silero confirms that much later (its probability decays for 60–150 ms, then the hangover runs),
 * so this gives the ASR and the LLM a head start that is thrown away if the voice comes back.
 * In a room louder than the floor, no pause is ever reported and nothing is lost.
 */
export class PauseDetector {
  private peak = 0;
  private quietFrom: number | undefined;
  private pausedValue = false;

  constructor(private readonly pauseSamples: number) {}

  get paused(): boolean {
    return this.pausedValue;
  }

  /** A new utterance: `voiced` is its audio so far (windows of `windowSize`), which sets the level. */
  begin(voiced: Float32Array, windowSize: number): void {
    this.peak = 0;
    for (let i = 0; i + windowSize <= voiced.length; i += windowSize) this.peak = Math.max(this.peak, meanSquare(voiced.subarray(i, i + windowSize)));
    this.quietFrom = undefined;
    this.pausedValue = false;
  }

  /** The utterance is over (or there is none): nothing is reported until the next `begin`. */
  stop(): void {
    this.peak = 0;
    this.quietFrom = undefined;
    this.pausedValue = false;
  }

  /** Feeds the window that ends at absolute sample `end`; returns a pause or resume when one happens. */
  accept(window: Float32Array, end: number): PauseChange | undefined {
    if (this.pauseSamples <= 0) return undefined;
    const energy = meanSquare(window);
    if (energy > this.peak) this.peak = energy;
    if (this.peak === 0) return undefined;
    if (energy >= this.peak * FLOOR_RATIO) {
      this.quietFrom = undefined;
      if (!this.pausedValue) return undefined;
      this.pausedValue = false;
      return { kind: 'resume' };
    }
    this.quietFrom ??= end - window.length;
    if (this.pausedValue || end - this.quietFrom < this.pauseSamples) return undefined;
    this.pausedValue = true;
    return { kind: 'pause', end: this.quietFrom };
  }
}
