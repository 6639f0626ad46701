import type { Logger } from 'pino';
import type { EventBus } from '../../core/bus.ts';
import { DisposableStore } from '../../core/disposable.ts';
import type { ReplySegment } from '../../core/speech.ts';
import type { ClientHub } from './client-hub.ts';
import type { ServerMessage } from './protocol.ts';

/** An emotion or motion tag that is not attached to a segment's words (e.g. trailing tags). */
export interface OutputTag {
  kind: 'emotion' | 'motion';
  name: string;
  intensity?: number;
}

export type ToolCallStatus = Omit<Extract<ServerMessage, { type: 'tool-call-status' }>, 'type'>;

interface TurnState {
  /** Segments whose start (reply-text, emotion, motion) went out, so their audio may follow. */
  started: Set<number>;
  stopped: boolean;
}

/** Stopped turns remembered, so a late chunk of an interrupted turn is still refused after it ended. */
const MAX_REMEMBERED = 256;

/**
 * The one way a turn's output reaches clients, whether it is spoken (TTS) or shown as text only,
 * and for plugins that act on the character (MCP `set_emotion`). Per segment it sends
 * `reply-text` → `emotion` → `motion`, then the segment's audio, and emits `reply.segment` and
 * `reply.audio` on the bus. `stop` sends `audio-stop` once per turn; after it nothing more of that
 * turn goes out.
 */
export class TurnOutput {
  private readonly turns = new Map<string, TurnState>();
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly hub: ClientHub,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.disposables.add(
      bus.on('turn.ended', (t) => {
        if (!this.turns.get(t.turnId)?.stopped) this.turns.delete(t.turnId);
      }),
    );
  }

  /** A segment starts reaching clients: its text (unless `showText` is false, e.g. a skipped repeat), emotion and motions. */
  segment(turnId: string, seg: ReplySegment, opts: { showText?: boolean } = {}): void {
    const state = this.state(turnId);
    if (state.stopped) return;
    state.started.add(seg.index);
    if (opts.showText !== false) this.hub.broadcast({ type: 'reply-text', turnId, text: seg.text, segment: seg.index });
    if (seg.emotion) this.sendEmotion(turnId, seg.emotion.name, seg.emotion.intensity);
    for (const name of seg.motions ?? []) this.hub.broadcast({ type: 'motion', turnId, name });
    this.bus.emit('reply.segment', {
      turnId,
      index: seg.index,
      text: seg.text,
      ...(seg.emotion ? { emotion: seg.emotion.name } : {}),
      ...(seg.motions?.length ? { motions: [...seg.motions] } : {}),
    });
  }

  /**
   * One audio message of a started segment, already encoded (see tts/audio-message.ts). Returns
   * false when it was not sent: the turn was stopped, or the segment never started (a bug upstream).
   */
  audio(turnId: string, chunk: { seq: number; segment: number; durationMs: number; envelope: readonly number[]; envelopeMs: number }, frame: Buffer): boolean {
    const state = this.state(turnId);
    if (state.stopped) return false;
    if (!state.started.has(chunk.segment)) {
      this.log.error({ event: 'output.audio_before_segment', turn_id: turnId, segment: chunk.segment }, 'audio for a segment that has not started; dropped');
      return false;
    }
    this.hub.broadcastSerialized('audio', frame);
    this.bus.emit('reply.audio', { turnId, seq: chunk.seq, segment: chunk.segment, durationMs: chunk.durationMs, envelope: chunk.envelope, envelopeMs: chunk.envelopeMs });
    return true;
  }

  /** Tags with no words after them (shown at once). */
  tags(turnId: string, tags: readonly OutputTag[]): void {
    if (this.state(turnId).stopped) return;
    for (const t of tags) {
      if (t.kind === 'emotion') this.sendEmotion(turnId, t.name, t.intensity);
      else this.hub.broadcast({ type: 'motion', turnId, name: t.name });
    }
  }

  /** An expression set outside any reply (e.g. by an MCP client): it carries no turn id; the bus gets `emotion.set`. */
  emotion(name: string, source: string, intensity?: number): void {
    this.sendEmotion(undefined, name, intensity);
    this.bus.emit('emotion.set', { name, source });
  }

  toolStatus(status: ToolCallStatus): void {
    if (status.turnId !== undefined && this.turns.get(status.turnId)?.stopped) return;
    this.hub.broadcast({ type: 'tool-call-status', ...status });
  }

  /** An error clients should show; with a turn id it belongs to that turn. */
  error(err: { code: string; message: string; retryable?: boolean }, turnId?: string): void {
    this.hub.broadcast({ type: 'error', code: err.code, message: err.message.slice(0, 500), ...(err.retryable !== undefined ? { retryable: err.retryable } : {}), ...(turnId !== undefined ? { turnId } : {}) });
  }

  setupHint(hint: Omit<Extract<ServerMessage, { type: 'setup-hint' }>, 'type'>): void {
    this.hub.broadcast({ type: 'setup-hint', ...hint });
  }

  /**
   * Clients drop the turn's queued audio now. Sent once per turn (a second call returns false);
   * after it, nothing more of the turn is sent. Control before data: call it before aborting.
   */
  stop(turnId: string, reason: string): boolean {
    const state = this.state(turnId);
    if (state.stopped) return false;
    state.stopped = true;
    this.hub.broadcast({ type: 'audio-stop', turnId, reason });
    this.bus.emit('reply.audio_stop', { turnId, reason });
    this.forgetOldStopped();
    return true;
  }

  stopped(turnId: string): boolean {
    return this.turns.get(turnId)?.stopped === true;
  }

  async dispose(): Promise<void> {
    await this.disposables.dispose();
    this.turns.clear();
  }

  private sendEmotion(turnId: string | undefined, name: string, intensity: number | undefined): void {
    this.hub.broadcast({
      type: 'emotion',
      ...(turnId !== undefined ? { turnId } : {}),
      name,
      ...(intensity !== undefined ? { intensity: Math.min(1, Math.max(0, intensity)) } : {}),
    });
  }

  private state(turnId: string): TurnState {
    let state = this.turns.get(turnId);
    if (!state) {
      state = { started: new Set(), stopped: false };
      this.turns.set(turnId, state);
    }
    return state;
  }

  private forgetOldStopped(): void {
    if (this.turns.size <= MAX_REMEMBERED) return;
    for (const [id, s] of this.turns) {
      if (this.turns.size <= MAX_REMEMBERED) break;
      if (s.stopped) this.turns.delete(id);
    }
  }
}
