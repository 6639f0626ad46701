import { STREAMER } from '../../src/core/input.ts';
import type { ReplySegment, SpeakResult } from '../../src/core/speech.ts';
import type { Turn } from '../../src/core/turn.ts';
import type { Daemon } from '../../src/daemon.ts';
import type { Received } from './ws-client.ts';

/** Stands in for the agent: begins a turn and feeds `segments` (with optional gaps) to the 'speech' service. */
export function speakSegments(
  daemon: Daemon,
  segments: ReadonlyArray<Omit<ReplySegment, 'index'> & { index?: number; delayMs?: number }>,
): { turn: Turn; done: Promise<SpeakResult> } {
  const speech = daemon.services.get('speech');
  if (!speech) throw new Error('the speech service is not provided (is the tts stage running?)');
  const turn = daemon.turns.begin({ id: `in-${Date.now()}`, kind: 'text', text: 'test', user: STREAMER, receivedAt: performance.now() });
  async function* feed(): AsyncIterable<ReplySegment> {
    let i = 0;
    for (const s of segments) {
      if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
      const { delayMs: _d, ...rest } = s;
      yield { ...rest, index: s.index ?? i };
      i++;
    }
  }
  const done = speech.speak(turn, feed()).finally(() => daemon.turns.end(turn));
  return { turn, done };
}

export interface AudioMessage {
  turnId: string;
  seq: number;
  segment: number;
  sampleRate: number;
  durationMs: number;
  envelope: number[];
  pcm: Int16Array;
}

/** The `audio` messages a client received for `turnId`, decoded. */
export function audioOf(messages: readonly Received[], turnId: string): AudioMessage[] {
  return messages
    .filter((m) => m.type === 'audio' && m.turnId === turnId)
    .map((m) => {
      const buf = Buffer.from(m.data as string, 'base64');
      const pcm = new Int16Array(buf.length / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = buf.readInt16LE(i * 2);
      return { turnId, seq: m.seq as number, segment: m.segment as number, sampleRate: m.sampleRate as number, durationMs: m.durationMs as number, envelope: m.envelope as number[], pcm };
    });
}
