import { createLogger } from '../shared/logger.ts';
import type { SocketClient } from '../shared/socket-client.ts';

export type MicMode = 'off' | 'ptt' | 'always';
const log = createLogger('mic');
export const MIC_SAMPLE_RATE = 16000;

/**
 * The microphone: getUserMedia → AudioWorklet (resampled to 16 kHz PCM16, 20 ms frames) → binary
 * websocket frames between `audio-start` and `audio-end`. Push-to-talk streams while held; always-on
 * streams continuously. Mute keeps the mic open but sends nothing. Voice activity is decided server-side.
 */
export class MicCapture {
  private ctx: AudioContext | undefined;
  private stream: MediaStream | undefined;
  private node: AudioWorkletNode | undefined;
  private streaming = false;
  mode: MicMode = 'off';
  muted = false;
  framesSent = 0;
  samplesSent = 0;
  /** Audio-clock time (s) at which the last sent frame was completed in the worklet. */
  private lastSentAt = 0;
  onLevel: (rms: number) => void = () => undefined;

  constructor(private readonly socket: SocketClient) {}

  async setMode(mode: MicMode): Promise<void> {
    if (mode === this.mode) return;
    this.mode = mode;
    if (mode === 'off') {
      this.stopStreaming();
      await this.close();
      return;
    }
    await this.open();
    if (mode === 'always') this.startStreaming();
    else this.stopStreaming();
    log.info('mic.mode', { mode });
  }

  /** Push-to-talk press / release. */
  talk(pressed: boolean): void {
    if (this.mode !== 'ptt') return;
    if (pressed) this.startStreaming();
    else this.stopStreaming();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (muted) this.stopStreaming();
    else if (this.mode === 'always') this.startStreaming();
    log.info('mic.mute', { muted });
  }

  /**
   * Audio-clock seconds at which the last sent frame was captured. Paired with `samplesSent` it gives
   * the sent rate on the audio thread's own clock, unaffected by how late the page handles messages.
   */
  get audioClock(): number {
    return this.lastSentAt;
  }

  /** After a reconnect the server has forgotten the stream: announce it again. */
  resume(): void {
    if (this.streaming) {
      this.streaming = false;
      this.startStreaming();
    }
  }

  private async open(): Promise<void> {
    if (this.ctx) return;
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    const ctx = new AudioContext();
    this.ctx = ctx;
    await ctx.audioWorklet.addModule('/pcm-capture-worklet.js');
    const src = ctx.createMediaStreamSource(this.stream);
    const node = new AudioWorkletNode(ctx, 'pcm-capture', { processorOptions: { targetRate: MIC_SAMPLE_RATE, frameMs: 20 } });
    node.port.onmessage = (ev: MessageEvent<{ pcm: ArrayBuffer; rms: number; at: number }>) => {
      this.onLevel(this.muted ? 0 : ev.data.rms);
      const samples = ev.data.pcm.byteLength / 2;
      if (this.streaming && !this.muted && this.socket.sendBinary(ev.data.pcm)) {
        this.framesSent++;
        this.samplesSent += samples;
        this.lastSentAt = ev.data.at;
      }
    };
    src.connect(node);
    // The node must reach the destination to be pulled; it outputs silence.
    node.connect(ctx.destination);
    this.node = node;
    if (ctx.state === 'suspended') await ctx.resume();
    log.info('mic.opened', { context_rate: ctx.sampleRate, target_rate: MIC_SAMPLE_RATE });
  }

  private async close(): Promise<void> {
    this.node?.disconnect();
    this.stream?.getTracks().forEach((t) => t.stop());
    await this.ctx?.close();
    this.ctx = undefined;
    this.node = undefined;
    this.stream = undefined;
    this.onLevel(0);
  }

  private startStreaming(): void {
    if (this.streaming || this.muted || !this.ctx) return;
    if (this.socket.send({ type: 'audio-start', sampleRate: MIC_SAMPLE_RATE })) this.streaming = true;
  }

  private stopStreaming(): void {
    if (!this.streaming) return;
    this.streaming = false;
    this.socket.send({ type: 'audio-end' });
  }
}
