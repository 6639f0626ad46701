import type { InputItem } from './input.ts';
import type { StatusEntry } from './status-registry.ts';
import type { TurnSummary } from './turn.ts';

/**
 * Every event on the bus, by name (`scope.action`). Stages and plugins add their own events by
 * declaration merging, so this file does not have to know them:
 *
 *   declare module '../core/bus-events.ts' {
 *     interface BusEvents { 'vad.speech_start': { clientUid: string; at: number } }
 *   }
 */
export interface BusEvents {
  /** A stage's or plugin's status changed. */
  'status.changed': StatusEntry;
  /** An input entered the queue. */
  'input.queued': InputItem;
  /** An input was dropped by the queue's drop policy. */
  'input.dropped': { item: InputItem; reason: 'queue_full' | 'superseded' | 'expired' | 'shutdown' };
  /** A turn began; `inputText` and `userName` are what it answers and who asked (for the pages). */
  'turn.started': TurnSummary & { inputText: string; userName: string };
  'turn.ended': TurnSummary;
  /** A client or the VAD asked to stop the current turn. */
  'turn.interrupt_requested': { reason: 'client' | 'barge_in' | 'admin' | 'shutdown'; clientUid?: string; heardText?: string };
  /** A websocket client connected or left. */
  'client.connected': { clientUid: string; remote: string; canSendInput: boolean };
  'client.disconnected': { clientUid: string; code: number };
  /** A client reported how far playback of a turn got. */
  'client.playback': { clientUid: string; turnId: string; seq?: number; heardText?: string; ended: boolean };
  /**
   * A client's microphone stream began or ended (PCM16LE mono at `sampleRate`). The audio itself
   * never goes on the bus: the voice session of the client (src/voice) processes it.
   */
  'audio.start': { clientUid: string; sampleRate: number };
  'audio.end': { clientUid: string };
  /** A reply segment starts reaching clients (sent by the speech output, or by the agent when there is none). */
  'reply.segment': { turnId: string; index: number; text: string; emotion?: string; motions?: string[] };
  /**
   * One audio chunk of a reply went out to clients (its playback length, for playback estimates, and its
   * volume envelope, one 0..1 value per `envelopeMs`, for lip sync outside the page, e.g. VTube Studio).
   */
  'reply.audio': { turnId: string; seq: number; segment: number; durationMs: number; envelope: readonly number[]; envelopeMs: number };
  /** Clients were told to drop a turn's queued and playing audio (the `audio-stop` message). */
  'reply.audio_stop': { turnId: string; reason: string };
  /** A turn's reply is settled: `heardText` is what the listener actually heard (memory/relationships listen). */
  'agent.reply_done': { turnId: string; input: InputItem; replyText: string; heardText: string; interrupted: boolean; emotions: string[] };
  /** The character's expression was set outside a reply (e.g. by an MCP client), through the turn-output port; OBS emotion triggers listen. */
  'emotion.set': { name: string; source: string };
  /**
   * A viewer redeemed a channel-points reward, whatever the character does with it (react, say,
   * emotion or ignore); OBS `on: redemption` triggers listen.
   */
  'redemption.received': { reward: string; user: string; message: string; cost: number; platform: string };
}

export type BusEventName = keyof BusEvents;
