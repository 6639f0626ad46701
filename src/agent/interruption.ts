import type { Logger } from 'pino';
import type { AgentConfig } from './agent-config.ts';
import type { StageContext } from '../plugin-host/define-stage.ts';
import type { TurnRunner } from './turn-runner.ts';

/**
 * Decides when the character is cut off: a client `interrupt`, new voice input (preemption), or
 * the listener talking over the character (barge-in after `min_speech_ms` of continued speech, so
 * a cough does not count). Aborting a turn stops its LLM call and speech; clients are told to
 * drop queued audio with `audio-stop`.
 */
export class InterruptionController {
  private readonly pendingBargeIns = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: StageContext,
    private readonly runner: TurnRunner,
    private readonly cfg: AgentConfig,
    private readonly log: Logger,
  ) {}

  start(): void {
    const ctx = this.ctx;
    ctx.on('turn.interrupt_requested', (req) => {
      if (req.heardText !== undefined) {
        const speaking = this.runner.speakingTurn;
        if (speaking) this.runner.reportHeard(speaking.id, req.heardText);
      }
      this.interrupt(req.reason);
    });
    ctx.on('client.playback', (p) => {
      if (p.heardText !== undefined) this.runner.reportHeard(p.turnId, p.heardText);
    });
    ctx.on('input.queued', (item) => {
      if ((this.cfg.preempt_kinds as readonly string[]).includes(item.kind)) this.interrupt('preempted');
    });
    if (this.cfg.interruption.enabled) {
      ctx.on('vad.speech_start', (e) => this.armBargeIn(e.clientUid));
      ctx.on('vad.speech_end', (e) => this.cancelBargeIn(e.clientUid));
      ctx.on('audio.end', (e) => this.cancelBargeIn(e.clientUid));
      ctx.on('client.disconnected', (e) => this.cancelBargeIn(e.clientUid));
    }
    ctx.onDispose(() => {
      for (const t of this.pendingBargeIns.values()) clearTimeout(t);
      this.pendingBargeIns.clear();
    });
  }

  /** Aborts every running turn. Returns how many were cut. */
  interrupt(reason: string): number {
    let n = 0;
    for (const turn of this.runner.active) {
      if (turn.aborted) continue;
      // Control before data: clients drop the queued audio first (once; the speech output's own
      // stop on abort is then a no-op), then the turn's work is cancelled.
      this.ctx.output.stop(turn.id, reason);
      turn.abort('interrupted');
      this.log.info({ event: 'agent.interrupted', turn_id: turn.id, reason }, 'turn interrupted');
      n++;
    }
    return n;
  }

  private armBargeIn(clientUid: string): void {
    if (this.runner.active.length === 0 || this.pendingBargeIns.has(clientUid)) return;
    const ms = this.cfg.interruption.min_speech_ms;
    if (ms === 0) {
      this.interrupt('barge_in');
      return;
    }
    const timer = setTimeout(() => {
      this.pendingBargeIns.delete(clientUid);
      this.interrupt('barge_in');
    }, ms);
    this.pendingBargeIns.set(clientUid, timer);
  }

  private cancelBargeIn(clientUid: string): void {
    const timer = this.pendingBargeIns.get(clientUid);
    if (!timer) return;
    clearTimeout(timer);
    this.pendingBargeIns.delete(clientUid);
    this.log.debug({ event: 'agent.barge_in_ignored', client_uid: clientUid }, 'speech too short to interrupt');
  }
}
