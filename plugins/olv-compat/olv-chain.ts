type Json = Record<string, unknown>;

/**
 * The "conversation chain" their client follows for one reply (conversation_utils.py,
 * single_conversation.py): `control conversation-chain-start`, `full-text "Thinking..."`, the
 * transcription of a voice input, one `audio` per sentence, `backend-synth-complete`, then, once
 * the client answers `frontend-playback-complete`, `force-new-message` and
 * `control conversation-chain-end`. An interrupted chain is just dropped, as their cancelled task is.
 */
export class OlvChain {
  private open = false;
  private turnId: string | undefined;
  private audioSent = false;
  private playbackTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (msg: Json) => void,
    /** How long to wait for `frontend-playback-complete` before ending the chain anyway. */
    private readonly playbackWaitMs: number,
    /** Called when a chain ends or is dropped: the next turn's messages may go out. */
    private readonly onSettled: () => void,
  ) {}

  /** True while the reply is synthesised and their client is still playing it. */
  get awaitingPlayback(): boolean {
    return this.playbackTimer !== undefined;
  }

  /** The turn of the open chain, if any. */
  get turn(): string | undefined {
    return this.turnId;
  }

  /** True while their client is between chain start and end (their `thinking-speaking`). */
  get isOpen(): boolean {
    return this.open;
  }

  /** A voice input of this client was transcribed: the chain starts before the transcription, as theirs does. */
  transcribed(text: string): void {
    if (this.playbackTimer) this.finish();
    this.begin();
    this.send({ type: 'user-input-transcription', text });
  }

  /** A reply turn starts (for this client's input or any other: Twitch chat, our own page). */
  turnStarted(turnId: string): void {
    if (this.open && this.turnId !== undefined && this.turnId !== turnId) this.finish();
    this.begin();
    this.turnId = turnId;
  }

  audio(): void {
    this.audioSent = true;
  }

  /** The turn finished normally: synthesis is complete; the chain ends when the client has played it. */
  turnEnded(turnId: string): void {
    if (!this.open || (this.turnId !== undefined && this.turnId !== turnId)) return;
    if (!this.audioSent) {
      this.finish();
      return;
    }
    this.send({ type: 'backend-synth-complete' });
    this.playbackTimer = setTimeout(() => this.finish(), this.playbackWaitMs);
  }

  /** The client reported `frontend-playback-complete`. */
  playbackComplete(): void {
    if (this.playbackTimer) this.finish();
  }

  /** The turn was cut off: no end signals, as their cancelled conversation task sends none. */
  drop(): void {
    this.clear();
    this.open = false;
    this.turnId = undefined;
    this.onSettled();
  }

  dispose(): void {
    this.clear();
  }

  private begin(): void {
    if (this.open) return;
    this.open = true;
    this.audioSent = false;
    this.send({ type: 'control', text: 'conversation-chain-start' });
    this.send({ type: 'full-text', text: 'Thinking...' });
  }

  private finish(): void {
    this.clear();
    this.open = false;
    this.turnId = undefined;
    this.send({ type: 'force-new-message' });
    this.send({ type: 'control', text: 'conversation-chain-end' });
    this.onSettled();
  }

  private clear(): void {
    if (this.playbackTimer) clearTimeout(this.playbackTimer);
    this.playbackTimer = undefined;
  }
}
