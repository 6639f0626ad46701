/** Frame length for end refinement: 10 ms. */
const FRAME_MS = 10;
/** A frame is still voice while within this many dB of the segment's loudest frame. */
const DYNAMIC_RANGE_DB = 30;
/** The refined end never moves further back than this from the detector's end. */
const MAX_SHIFT_MS = 250;

/**
 * Where the voice in a detected segment really stops: the end of the last 10 ms frame within
 * 30 dB of the loudest frame. Silero marks the end 60–150 ms late (its state decays slowly);
 * in a noisy room the floor is above the threshold and the detector's end is kept.
 * Returns the absolute sample index and the frame energy (mean square) that counts as voice.
 */
export function refineSpeechEnd(samples: Float32Array, start: number, sampleRate: number): { end: number; floor: number } {
  const frame = Math.round((sampleRate * FRAME_MS) / 1000);
  const frames = Math.floor(samples.length / frame);
  const end = start + samples.length;
  if (frames < 2) return { end, floor: 0 };
  const energy = new Float64Array(frames);
  let peak = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += (samples[i] as number) ** 2;
    energy[f] = sum / frame;
    if ((energy[f] as number) > peak) peak = energy[f] as number;
  }
  if (peak === 0) return { end, floor: 0 };
  const floor = peak * 10 ** (-DYNAMIC_RANGE_DB / 10);
  const earliest = Math.max(0, frames - Math.round(MAX_SHIFT_MS / FRAME_MS));
  for (let f = frames - 1; f >= earliest; f--) {
    if ((energy[f] as number) >= floor) return { end: f === frames - 1 ? end : start + (f + 1) * frame, floor };
  }
  return { end: start + earliest * frame, floor };
}

/** True when some 10 ms frame of `samples` reaches `floor` (mean square): voice may have resumed. */
export function hasVoiceEnergy(samples: Float32Array, sampleRate: number, floor: number): boolean {
  const frame = Math.round((sampleRate * FRAME_MS) / 1000);
  for (let f = 0; (f + 1) * frame <= samples.length; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += (samples[i] as number) ** 2;
    if (sum / frame >= floor) return true;
  }
  return false;
}
