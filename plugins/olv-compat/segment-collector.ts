import { encodeWavPcm16 } from '../../src/audio/wav.ts';
import { sliceVolumes, type OlvAudioPayload } from './wav-payload.ts';

interface Pending {
  turnId: string;
  text: string;
  expressions: Array<number | string>;
  chunks: Int16Array[];
  sampleRate: number;
}

/**
 * Gathers our streamed reply (reply-text, emotion, pcm16 audio chunks) into one `audio` message
 * per segment, the shape their client plays: a whole WAV, volumes per slice, text and expressions.
 */
export class SegmentCollector {
  private pending: Pending | undefined;

  constructor(
    private readonly speaker: () => { name: string; avatar: string | null },
    private readonly expressionIndex: (emotion: string) => number | string | undefined,
    private readonly sliceMs: number,
    private readonly emit: (payload: OlvAudioPayload) => void,
  ) {}

  start(turnId: string, text: string): void {
    this.flush();
    this.pending = { turnId, text, expressions: [], chunks: [], sampleRate: 0 };
  }

  emotion(turnId: string, name: string): void {
    const p = this.pending;
    const idx = this.expressionIndex(name);
    if (p && p.turnId === turnId && idx !== undefined) p.expressions.push(idx);
  }

  audio(turnId: string, pcm: Int16Array, sampleRate: number): void {
    const p = this.pending;
    if (!p || p.turnId !== turnId) return;
    if (p.sampleRate !== 0 && p.sampleRate !== sampleRate) this.flushKeep(p);
    p.sampleRate = sampleRate;
    p.chunks.push(pcm);
  }

  /** Drops what is gathered (the turn was interrupted). */
  drop(): void {
    this.pending = undefined;
  }

  flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) this.send(p);
  }

  private flushKeep(p: Pending): void {
    this.send(p);
    p.chunks = [];
    p.text = '';
  }

  private send(p: Pending): void {
    const total = p.chunks.reduce((n, c) => n + c.length, 0);
    const pcm = new Int16Array(total);
    let at = 0;
    for (const c of p.chunks) {
      pcm.set(c, at);
      at += c.length;
    }
    const rate = p.sampleRate || 24_000;
    const { name, avatar } = this.speaker();
    this.emit({
      type: 'audio',
      // stream_audio.py: a segment without audio is a "silent display" payload (audio null, no volumes).
      audio: total > 0 ? encodeWavPcm16(pcm, rate).toString('base64') : null,
      volumes: sliceVolumes(pcm, rate, this.sliceMs),
      slice_length: this.sliceMs,
      display_text: { text: p.text, name, avatar },
      actions: { expressions: p.expressions },
      forwarded: false,
    });
  }
}
