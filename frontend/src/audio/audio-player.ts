import { createLogger } from '../shared/logger.ts';
import type { ServerMessageOf } from '../shared/protocol-types.ts';
import { base64ToBytes, pcm16ToFloat32 } from './pcm.ts';

type AudioMessage = ServerMessageOf<'audio'>;
const log = createLogger('audio');

interface ScheduledChunk {
  turnId: string;
  seq: number;
  segment: number;
  start: number;
  end: number;
  envelope: readonly number[];
  envelopeMs: number;
  source: AudioBufferSourceNode;
}

export interface PlayerEvents {
  /** A chunk finished playing to its end. */
  chunkEnded(c: { turnId: string; seq: number; segment: number }): void;
  /** A chunk started playing (scheduled time reached). */
  chunkStarted(c: { turnId: string; seq: number; segment: number }): void;
}

/** Small lead so the first chunk is not scheduled in the past. */
const LEAD_S = 0.04;
const MAX_QUEUED = 400;

/**
 * Gap-free playback of streamed audio chunks through Web Audio: each chunk is scheduled to start
 * exactly when the previous one ends. `stop()` silences everything at once and drops the queue.
 * `level()` gives the lip-sync level from the chunks' volume envelopes at the current playback time.
 */
export class AudioPlayer {
  private ctx: AudioContext | undefined;
  private chunks: ScheduledChunk[] = [];
  private nextTime = 0;
  private decodeChain: Promise<void> = Promise.resolve();
  private generation = 0;
  /** Turns stopped by audio-stop / interrupt: late chunks for them are dropped. */
  private readonly stopped = new Set<string>();

  constructor(private readonly events: PlayerEvents) {}

  get context(): AudioContext {
    this.ctx ??= new AudioContext({ latencyHint: 'interactive' });
    return this.ctx;
  }

  get locked(): boolean {
    return this.context.state === 'suspended';
  }

  async unlock(): Promise<void> {
    if (this.context.state === 'suspended') await this.context.resume();
  }

  /** True while audio of `turnId` (or any turn) is playing or queued. */
  isPlaying(turnId?: string): boolean {
    const t = this.ctx?.currentTime ?? 0;
    return this.chunks.some((c) => c.end > t && (turnId === undefined || c.turnId === turnId));
  }

  enqueue(m: AudioMessage): void {
    if (this.stopped.has(m.turnId)) return;
    if (this.chunks.length >= MAX_QUEUED) {
      log.warn('audio.queue_full', { turn: m.turnId, seq: m.seq });
      return;
    }
    const gen = this.generation;
    // Decoding may be async (wav/mp3); the chain keeps chunks in order.
    this.decodeChain = this.decodeChain.then(async () => {
      const buffer = await this.decode(m);
      if (gen !== this.generation || this.stopped.has(m.turnId) || !buffer) return;
      this.schedule(m, buffer);
    }).catch(() => {
      log.warn('audio.decode_failed', { turn: m.turnId, seq: m.seq, format: m.format });
    });
  }

  /** Stops playback now and drops everything queued (for one turn, or all). */
  stop(turnId?: string): void {
    if (turnId !== undefined) this.stopped.add(turnId);
    if (this.stopped.size > 100) this.stopped.delete(this.stopped.values().next().value as string);
    // Stopping everything also drops chunks still being decoded; one turn's late chunks are caught by `stopped`.
    if (turnId === undefined) this.generation++;
    for (const c of this.chunks) {
      if (turnId !== undefined && c.turnId !== turnId) continue;
      c.source.onended = null;
      try {
        c.source.stop();
      } catch {
        // Not started yet or already stopped.
      }
    }
    this.chunks = turnId === undefined ? [] : this.chunks.filter((c) => c.turnId !== turnId);
    if (this.chunks.length === 0) this.nextTime = 0;
  }

  /** Lip-sync level (0..1) from the envelope of whatever is playing now; 0 when silent. */
  level(): number {
    if (!this.ctx || this.chunks.length === 0) return 0;
    const t = this.ctx.currentTime;
    for (const c of this.chunks) {
      if (t < c.start || t >= c.end) continue;
      const i = Math.floor(((t - c.start) * 1000) / c.envelopeMs);
      return c.envelope[Math.min(i, c.envelope.length - 1)] ?? 0;
    }
    return 0;
  }

  private async decode(m: AudioMessage): Promise<AudioBuffer | undefined> {
    const bytes = base64ToBytes(m.data);
    if (m.format === 'pcm16') {
      const samples = pcm16ToFloat32(bytes);
      if (samples.length === 0) return undefined;
      const buf = this.context.createBuffer(1, samples.length, m.sampleRate);
      buf.copyToChannel(samples, 0);
      return buf;
    }
    return this.context.decodeAudioData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  private schedule(m: AudioMessage, buffer: AudioBuffer): void {
    const ctx = this.context;
    const start = Math.max(ctx.currentTime + LEAD_S, this.nextTime);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    const chunk: ScheduledChunk = { turnId: m.turnId, seq: m.seq, segment: m.segment, start, end: start + buffer.duration, envelope: m.envelope, envelopeMs: m.envelopeMs, source };
    source.onended = () => {
      this.chunks = this.chunks.filter((c) => c !== chunk);
      this.events.chunkEnded({ turnId: m.turnId, seq: m.seq, segment: m.segment });
    };
    source.start(start);
    this.nextTime = chunk.end;
    this.chunks.push(chunk);
    const delayMs = Math.max(0, (start - ctx.currentTime) * 1000);
    window.setTimeout(() => {
      if (this.chunks.includes(chunk)) this.events.chunkStarted({ turnId: m.turnId, seq: m.seq, segment: m.segment });
    }, delayMs);
  }
}
