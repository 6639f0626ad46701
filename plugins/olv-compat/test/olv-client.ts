import WebSocket from 'ws';

export type OlvMessage = Record<string, unknown> & { type: string };

/**
 * A test client that behaves as Open-LLM-VTuber-Web's does (src/renderer/src/services/
 * websocket-service.tsx, websocket-handler.tsx, hooks/utils/use-send-audio.tsx, use-interrupt.ts,
 * use-audio-task.ts, as of commit d176e7d):
 * - on open it sends fetch-backgrounds, fetch-configs, fetch-history-list, create-new-history;
 * - a finished utterance goes out as `mic-audio-data` chunks of 4096 float samples, then `mic-audio-end`;
 * - its state follows the chain: `conversation-chain-start` → thinking-speaking; `audio` while
 *   interrupted is dropped; each played `audio` adds its text to the full response;
 * - interrupting sends `interrupt-signal` with that full response (what was heard); a server
 *   `interrupt-signal` interrupts without sending one back;
 * - after `backend-synth-complete` and its queue has played, it sends `frontend-playback-complete`;
 *   after `config-switched` it sends fetch-history-list and create-new-history.
 */
export class OlvTestClient {
  readonly received: OlvMessage[] = [];
  aiState: 'idle' | 'thinking-speaking' | 'interrupted' = 'idle';
  /** Display texts of the audio played in the current chain (their `fullResponse`). */
  fullResponse = '';
  /** `audio` messages that arrived while interrupted and were dropped (their "Audio playback intercepted"). */
  intercepted = 0;
  /** Play time per `audio` message before `frontend-playback-complete`; 0 answers at once. */
  playMsPerAudio = 0;
  private queued = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as OlvMessage;
      this.received.push(msg);
      this.react(msg);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(url: string): Promise<OlvTestClient> {
    const ws = new WebSocket(url);
    const c = new OlvTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const type of ['fetch-backgrounds', 'fetch-configs', 'fetch-history-list', 'create-new-history']) c.send({ type });
    return c;
  }

  private react(msg: OlvMessage): void {
    switch (msg.type) {
      case 'control':
        if (msg.text === 'conversation-chain-start') {
          this.aiState = 'thinking-speaking';
          this.fullResponse = '';
          this.queued = 0;
        } else if (msg.text === 'conversation-chain-end' && this.aiState === 'thinking-speaking') this.aiState = 'idle';
        return;
      case 'audio':
        if (this.aiState === 'interrupted') {
          this.intercepted++;
          return;
        }
        this.queued++;
        this.fullResponse += (msg.display_text as { text?: string } | null)?.text ?? '';
        return;
      case 'backend-synth-complete':
        {
          const t = setTimeout(() => {
            this.timers.delete(t);
            this.send({ type: 'frontend-playback-complete' });
          }, this.playMsPerAudio * this.queued);
          this.timers.add(t);
        }
        return;
      case 'config-switched':
        this.send({ type: 'fetch-history-list' });
        this.send({ type: 'create-new-history' });
        return;
      case 'interrupt-signal':
        this.interrupt(false);
        return;
    }
  }

  /** use-interrupt.ts: only while thinking-speaking; sends what was heard. */
  interrupt(sendSignal = true): void {
    if (this.aiState !== 'thinking-speaking') return;
    this.aiState = 'interrupted';
    if (sendSignal) this.send({ type: 'interrupt-signal', text: this.fullResponse });
    this.fullResponse = '';
  }

  /** use-send-audio.tsx: one utterance found by their browser VAD, in 4096-sample chunks, then the end. */
  sendUtterance(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i += 4096) this.send({ type: 'mic-audio-data', audio: Array.from(samples.subarray(i, i + 4096)) });
    this.send({ type: 'mic-audio-end', images: [] });
  }

  send(msg: Record<string, unknown>): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Waits (bounded) until `pred` matches a message received at or after index `from`; returns it. */
  async waitFor(pred: (m: OlvMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<OlvMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got: ${this.received.slice(from).map(describe).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ws.close();
  }
}

/** `control:conversation-chain-start`, `audio`, `full-text:Thinking...` — for sequences and failure messages. */
export function describe(m: OlvMessage): string {
  return m.type === 'control' || m.type === 'full-text' ? `${m.type}:${String(m.text)}` : m.type;
}
