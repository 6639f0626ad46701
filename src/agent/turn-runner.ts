import type { Logger } from 'pino';
import type { AgentConfig } from './agent-config.ts';
import type { CharacterConfig } from '../config-schema.ts';
import { isAbortError, toEngineError } from '../core/errors.ts';
import type { InputItem } from '../core/input.ts';
import type { PromptContext } from '../core/prompt-context.ts';
import type { ReplySegment } from '../core/speech.ts';
import type { Turn } from '../core/turn.ts';
import type { StageContext } from '../plugin-host/define-stage.ts';
import type { OutputTag } from '../server/ws/turn-output.ts';
import type { ConversationLog } from './history/conversation-log.ts';
import type { StoredMessage } from './history/history-store.ts';
import type { ChatMessage, LlmProvider, SamplingSettings } from './llm/llm-types.ts';
import type { PrefetchingProvider } from './llm/prefetching-provider.ts';
import { loopMessages, roundRequest, runLlmLoop, toolSpecs, type LlmLoopResult } from './llm-loop.ts';
import { ReplyPreparer } from './reply-preparer.ts';
import { llmSetupFixes } from './setup-hint.ts';
import { renderInput } from './prompt/input-render.ts';
import { buildPrompt } from './prompt/prompt-builder.ts';
import { gatherPromptContext } from './prompt/prompt-context.ts';
import type { OutputFilter } from './safety/output-filter.ts';
import { SegmentChannel } from './segment-channel.ts';
import { ReplyShaper, type ShapedSegment } from './text/reply-shaper.ts';
import type { ResolvedTag, TagVocabulary } from './text/tag-vocabulary.ts';

export interface TurnRunnerDeps {
  ctx: StageContext;
  log: Logger;
  character: CharacterConfig;
  agent: AgentConfig;
  persona: string;
  provider: LlmProvider | undefined;
  sampling: SamplingSettings;
  vocabulary: TagVocabulary;
  filter: OutputFilter;
  history: ConversationLog;
  /** Set when replies may start before their turn (`agent.preemptive`); it is also `provider`. */
  prefetcher?: PrefetchingProvider;
}

/** A running turn: `generated` settles when the reply text is complete, `settled` when it was spoken and stored. */
export interface RunningTurn {
  turn: Turn;
  generated: Promise<void>;
  settled: Promise<void>;
}

interface TurnState {
  turn: Turn;
  shaper: ReplyShaper;
  channel: SegmentChannel<ShapedSegment>;
  /** Segments handed to clients or speech, in order. */
  delivered: ShapedSegment[];
  assistant: StoredMessage | undefined;
  usage: LlmLoopResult['usage'] | undefined;
  failed: boolean;
  /** What the listener reported hearing (interrupt or playback), if anything. */
  reportedHeard: string | undefined;
  speaking: boolean;
}

/**
 * Runs turns: prompt → LLM (with tools) → shaper → segments → speech (or text to clients) →
 * history. Speech is serialized (one turn speaks at a time) while the next turn's generation may
 * already run. Interruption aborts the turn's signal; what was heard is what gets stored.
 */
export class TurnRunner {
  private speakTail: Promise<void> = Promise.resolve();
  private readonly states = new Map<string, TurnState>();
  private readonly settledTurns = new Set<Promise<void>>();
  /** Starts replies ahead of their turns, when `agent.preemptive` is on. */
  readonly preparer: ReplyPreparer | undefined;

  constructor(private readonly d: TurnRunnerDeps) {
    const prefetcher = d.prefetcher;
    if (prefetcher) {
      this.preparer = new ReplyPreparer({
        prefetcher,
        history: d.history,
        compose: (input, signal) => this.composePrompt(input, renderInput(input, d.character).content, signal),
        request: (messages) => roundRequest(loopMessages(prefetcher, d.ctx.tools, messages), d.sampling, toolSpecs(prefetcher, d.ctx.tools), d.agent.tools.max_rounds === 1),
      });
    }
  }

  /** Running turns (generating or speaking). */
  get active(): Turn[] {
    return [...this.states.values()].map((s) => s.turn);
  }

  /** The turn whose segments are being spoken right now, if any. */
  get speakingTurn(): Turn | undefined {
    for (const s of this.states.values()) if (s.speaking) return s.turn;
    return undefined;
  }

  /**
   * Binds another character (a runtime switch). Called while no turn runs; the preparer's prompts
   * read the same deps object, so they follow too.
   */
  setCharacter(next: Pick<TurnRunnerDeps, 'character' | 'persona' | 'vocabulary' | 'filter'>): void {
    this.preparer?.discard('character switched');
    Object.assign(this.d, next);
  }

  /**
   * Inputs of running turns nobody has heard a word of yet (generated ahead, waiting to speak). A
   * character switch aborts them and hands them to the next character instead of dropping them.
   * The character's own lines (greeting, proactive) are not handed on.
   */
  unspokenInputs(): InputItem[] {
    return [...this.states.values()].filter((s) => !s.speaking && s.delivered.length === 0 && !s.turn.aborted && s.turn.input.kind !== 'system' && s.turn.input.kind !== 'proactive').map((s) => s.turn.input);
  }

  /** Resolves once every running turn has settled (spoken or aborted, and stored). */
  async idle(): Promise<void> {
    while (this.settledTurns.size > 0) await Promise.allSettled([...this.settledTurns]);
  }

  /** Records what the listener heard of a turn (from `interrupt` or `playback`). */
  reportHeard(turnId: string, heardText: string): void {
    const s = this.states.get(turnId);
    if (s) s.reportedHeard = heardText;
  }

  start(input: InputItem): RunningTurn {
    const turn = this.d.ctx.turns.begin(input);
    const state: TurnState = { turn, shaper: this.newShaper(), channel: new SegmentChannel(), delivered: [], assistant: undefined, usage: undefined, failed: false, reportedHeard: undefined, speaking: false };
    this.states.set(turn.id, state);
    const generated = this.generate(state).catch((err: unknown) => {
      this.d.log.error({ event: 'agent.generate_crashed', turn_id: turn.id, err }, 'turn generation crashed');
      state.failed = true;
      state.channel.close();
    });
    const previous = this.speakTail;
    const spoken = previous.then(() => this.speak(state));
    this.speakTail = spoken.catch(() => undefined);
    const settled = Promise.all([generated, spoken])
      .catch((err: unknown) => {
        this.d.log.error({ event: 'agent.speak_crashed', turn_id: turn.id, err }, 'turn speech crashed');
        state.failed = true;
      })
      .then(() => this.finish(state));
    this.settledTurns.add(settled);
    void settled.finally(() => this.settledTurns.delete(settled));
    return { turn, generated, settled };
  }

  private newShaper(): ReplyShaper {
    const seg = this.d.agent.segmenter;
    return new ReplyShaper({
      segmenter: { locale: this.d.character.language, firstClauseMaxWords: seg.first_clause_max_words, maxSegmentChars: seg.max_segment_chars },
      vocabulary: this.d.vocabulary,
      filter: this.d.filter,
      deflection: this.d.agent.deflection,
      log: this.d.log,
    });
  }

  private async generate(s: TurnState): Promise<void> {
    const { turn } = s;
    const input = turn.input;
    try {
      if (input.kind === 'system' && input.verbatim === true) {
        this.emitAll(s, s.shaper.push(input.text));
        this.finishShaper(s);
        return;
      }
      const rendered = renderInput(input, this.d.character);
      const prepared = this.preparer?.take(input);
      const messages = (prepared && (await prepared.messages.catch(() => undefined))) ?? (await this.composePrompt(input, rendered.content, turn.signal, turn.id));
      if (prepared?.startedAt !== undefined) turn.mark('llm_prefetch', prepared.startedAt);
      if (rendered.store) {
        this.d.history.append({ role: 'user', source: input.kind, userId: input.user.id, userName: input.user.displayName, text: rendered.content, fullText: null, interrupted: false, emotions: [], timings: {}, usage: null, turnId: turn.id });
      }
      await this.runModel(s, messages);
    } catch (err) {
      if (!(isAbortError(err) && turn.aborted)) this.fail(s, err);
    } finally {
      turn.mark('llm_done');
      s.channel.close();
      if (!turn.aborted || s.delivered.length > 0 || s.shaper.segmentCount > 0) this.storeReply(s);
    }
  }

  /** The turn's prompt: persona, memory and relationship context, the recent history, the input. */
  private async composePrompt(input: InputItem, userContent: string, signal: AbortSignal, turnId?: string): Promise<ChatMessage[]> {
    const context = await this.context(input, signal);
    const history = this.d.history.recent();
    const prompt = buildPrompt({ character: this.d.character, persona: this.d.persona, userContent, history, context, interruptMarker: this.d.agent.interruption.marker });
    this.d.log.debug({ event: 'agent.prompt', turn_id: turnId, ...prompt.stats }, 'prompt built');
    return prompt.messages;
  }

  private async runModel(s: TurnState, messages: ChatMessage[]): Promise<void> {
    const { turn } = s;
    const provider = this.d.provider;
    if (!provider) throw toEngineError(new Error('no LLM provider is configured'), 'LLM_FAILED');
    const llm = turn.child();
    turn.mark('llm_request');
    const loop = runLlmLoop({
      provider,
      messages,
      sampling: this.d.sampling,
      tools: this.d.ctx.tools,
      maxRounds: this.d.agent.tools.max_rounds,
      toolTimeoutMs: this.d.agent.tools.timeout_ms,
      signal: llm.signal,
      turnId: turn.id,
      userId: turn.input.user.id,
      log: this.d.log,
      onToolStatus: (st) => this.d.ctx.output.toolStatus({ turnId: turn.id, ...st }),
    });
    for (;;) {
      const next = await loop.next();
      if (next.done) {
        s.usage = next.value.usage;
        break;
      }
      const chunk = next.value;
      if (chunk.type === 'reasoning') {
        s.shaper.reasoning(chunk.text);
        continue;
      }
      turn.mark('llm_first_token');
      this.emitAll(s, s.shaper.push(chunk.text));
      if (s.shaper.blocked) {
        llm.abort();
        await loop.return({ usage: { promptTokens: 0, completionTokens: 0 }, rounds: 0, finishReason: 'blocked', toolCalls: 0 }).catch(() => undefined);
        return;
      }
    }
    this.finishShaper(s);
    if (s.shaper.hiddenReasoningChars > 0) this.d.log.debug({ event: 'agent.reasoning_hidden', turn_id: turn.id, chars: s.shaper.hiddenReasoningChars }, 'reasoning kept out of speech');
  }

  private emitAll(s: TurnState, segments: ShapedSegment[]): void {
    for (const seg of segments) {
      if (seg.index === 0) s.turn.mark('first_clause');
      s.channel.push(seg);
    }
  }

  private finishShaper(s: TurnState): void {
    const { segments, trailing } = s.shaper.finish();
    this.emitAll(s, segments);
    if (trailing.length > 0) this.sendTrailing(s.turn.id, trailing);
  }

  /** Tags after the last words: shown right away (they have no text to wait for). */
  private sendTrailing(turnId: string, tags: ResolvedTag[]): void {
    const shown: OutputTag[] = [];
    for (const t of tags) {
      if (t.kind === 'emotion' || t.kind === 'motion') shown.push(t);
      else this.d.ctx.bus.emit('agent.stage_cue', { turnId, name: t.name });
    }
    if (shown.length > 0) this.d.ctx.output.tags(turnId, shown);
  }

  /** The LLM failed: say a short apology and tell clients why. */
  private fail(s: TurnState, err: unknown): void {
    const e = toEngineError(err, 'LLM_FAILED');
    s.failed = true;
    this.d.log.warn({ event: 'agent.llm_failed', turn_id: s.turn.id, code: e.code, err: e.message }, 'LLM failed; speaking an apology');
    this.d.ctx.output.error(e, s.turn.id);
    if (e.code === 'LLM_FAILED') this.d.ctx.output.setupHint({ topic: 'llm', fixes: llmSetupFixes(this.d.character.language, this.d.character.llm), turnId: s.turn.id });
    if (s.shaper.blocked) return;
    const apology = this.newShaper();
    const segs = [...apology.push(this.d.agent.apology), ...apology.finish().segments];
    for (const seg of segs) this.emitAll(s, [{ ...seg, index: s.shaper.segmentCount + seg.index }]);
    s.shaper.spoken.push(...apology.spoken);
  }

  private async context(input: InputItem, signal: AbortSignal): Promise<PromptContext> {
    const registry = this.d.ctx.services.get('promptContext');
    if (!registry) return {};
    return gatherPromptContext(registry.list(), input, this.d.agent.context_deadline_ms, signal, this.d.log);
  }

  private async speak(s: TurnState): Promise<void> {
    const { turn } = s;
    if (turn.aborted) return;
    s.speaking = true;
    try {
      const segments = this.deliver(s);
      const speech = this.d.ctx.services.get('speech');
      if (speech) {
        const result = await speech.speak(turn, segments);
        s.delivered.splice(result.segmentsSent);
      } else {
        // No speech stage: the reply goes to clients as text, emotion and motion messages.
        for await (const seg of segments) this.d.ctx.output.segment(turn.id, seg);
      }
    } finally {
      s.speaking = false;
    }
  }

  /** Iterates the channel for the speaker, noting each segment and firing its stage cues. */
  private async *deliver(s: TurnState): AsyncGenerator<ReplySegment> {
    for await (const seg of s.channel) {
      if (s.turn.aborted) return;
      s.delivered.push(seg);
      for (const cue of seg.stageCues) this.d.ctx.bus.emit('agent.stage_cue', { turnId: s.turn.id, name: cue });
      const { stageCues: _cues, ...segment } = seg;
      yield segment;
    }
  }

  private storeReply(s: TurnState): void {
    const input = s.turn.input;
    const source = input.kind === 'proactive' ? 'proactive' : input.kind === 'system' && input.verbatim === true ? (input.purpose ?? 'say') : 'reply';
    const text = s.shaper.text;
    s.assistant = this.d.history.append({ role: 'assistant', source, userId: null, userName: null, text, fullText: null, interrupted: false, emotions: [...s.shaper.emotions], timings: {}, usage: s.usage ?? null, turnId: s.turn.id });
  }

  private finish(s: TurnState): void {
    const { turn } = s;
    this.states.delete(turn.id);
    const interrupted = turn.aborted;
    const full = s.shaper.text;
    const heard = interrupted ? (s.reportedHeard ?? s.delivered.map((x) => x.text).join(' ')).trim() : full;
    this.d.ctx.turns.end(turn, s.failed && !interrupted ? 'failed' : interrupted ? 'interrupted' : 'completed');
    if (s.assistant) {
      this.d.history.update(s.assistant.id, { text: heard, fullText: heard !== full ? full : null, interrupted, timings: turn.timings(), usage: s.usage ?? null });
    } else if (interrupted) {
      // Cut off before any text was generated: one marker, no words.
      s.assistant = this.d.history.append({ role: 'assistant', source: 'reply', userId: null, userName: null, text: '', fullText: null, interrupted: true, emotions: [], timings: turn.timings(), usage: null, turnId: turn.id });
    }
    this.d.ctx.bus.emit('agent.reply_done', { turnId: turn.id, input: turn.input, replyText: full, heardText: heard, interrupted, emotions: [...s.shaper.emotions] });
  }
}
