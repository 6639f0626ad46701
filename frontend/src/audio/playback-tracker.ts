import type { SocketClient } from '../shared/socket-client.ts';

/**
 * What the listener actually heard of each turn: reply text by segment, marked heard once a chunk of
 * that segment started playing. Sends `playback` progress, and the final `ended` report.
 */
export class PlaybackTracker {
  private readonly turns = new Map<string, { texts: Map<number, string>; heard: Set<number>; ended: boolean; serverDone: boolean }>();

  constructor(private readonly socket: SocketClient) {}

  private turn(turnId: string) {
    let t = this.turns.get(turnId);
    if (!t) {
      t = { texts: new Map(), heard: new Set(), ended: false, serverDone: false };
      this.turns.set(turnId, t);
      if (this.turns.size > 20) this.turns.delete(this.turns.keys().next().value as string);
    }
    return t;
  }

  replyText(turnId: string, segment: number | undefined, text: string): void {
    const t = this.turn(turnId);
    const key = segment ?? t.texts.size;
    t.texts.set(key, `${t.texts.get(key) ?? ''}${text}`);
  }

  heardText(turnId: string): string {
    const t = this.turns.get(turnId);
    if (!t) return '';
    return [...t.heard].sort((a, b) => a - b).map((s) => t.texts.get(s) ?? '').join(' ').trim();
  }

  started(turnId: string, segment: number): void {
    this.turn(turnId).heard.add(segment);
  }

  chunkEnded(turnId: string, seq: number, stillPlaying: boolean): void {
    const t = this.turn(turnId);
    this.socket.send({ type: 'playback', turnId, seq, heardText: this.heardText(turnId).slice(0, 4000), ended: false });
    if (t.serverDone && !stillPlaying) this.finish(turnId);
  }

  /** The server finished the turn (turn-end); report `ended` once its audio has drained. */
  serverDone(turnId: string, stillPlaying: boolean): void {
    const t = this.turn(turnId);
    t.serverDone = true;
    if (!stillPlaying) this.finish(turnId);
  }

  finish(turnId: string): void {
    const t = this.turn(turnId);
    if (t.ended) return;
    t.ended = true;
    this.socket.send({ type: 'playback', turnId, heardText: this.heardText(turnId).slice(0, 4000), ended: true });
  }
}
