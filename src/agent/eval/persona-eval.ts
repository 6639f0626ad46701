import type { Logger } from 'pino';
import { z } from 'zod';
import type { CharacterConfig } from '../../config-schema.ts';
import { INPUT_KIND_NAMES, INPUT_KINDS, parseInputFields, type InputItem, type InputKind } from '../../core/input.ts';
import type { StoredMessage } from '../history/history-store.ts';
import type { LlmProvider, SamplingSettings } from '../llm/llm-types.ts';
import { renderInput } from '../prompt/input-render.ts';
import { buildPrompt } from '../prompt/prompt-builder.ts';
import { OutputFilter } from '../safety/output-filter.ts';
import { ReplyShaper } from '../text/reply-shaper.ts';
import { TagStreamParser } from '../text/tag-parser.ts';
import { TagVocabulary } from '../text/tag-vocabulary.ts';

const StepSchema = z
  .object({
    kind: z.enum(INPUT_KIND_NAMES as [InputKind, ...InputKind[]]).default('voice'),
    user: z.string().optional(),
    /** A stable viewer id, so a nickname change stays the same viewer (default: the nickname). */
    user_id: z.string().optional(),
    text: z.string().default(''),
    /** The kind's own fields (e.g. `amount` and `currency` for a donation), checked against its schema. */
    fields: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((step, ctx) => {
    const r = INPUT_KINDS[step.kind].fields.safeParse(step.fields);
    for (const issue of r.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['fields', ...issue.path.map(String)], message: `${step.kind}: ${issue.message}` });
  });

export const ScenarioFileSchema = z
  .object({
    scenarios: z
      .array(
        z
          .object({
            name: z.string().min(1),
            /** Language of the scenario (BCP 47); `npm run eval -- persona` runs those of the character's language. */
            language: z.string().min(2).default('en'),
            steps: z
              .array(StepSchema)
              .min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;

export interface ReplyReport {
  scenario: string;
  step: number;
  kind: InputKind;
  reply: string;
  chars: number;
  sentences: number;
  tags: number;
  invalidTags: number;
  /** Highest word-trigram overlap (0..1) with an earlier reply in the same scenario. */
  repetition: number;
  violations: string[];
  ms: number;
}

/** Runs every scenario against the provider with the real prompt builder and reply shaping. */
export async function runPersonaEval(file: ScenarioFile, character: CharacterConfig, persona: string, provider: LlmProvider, sampling: SamplingSettings, log: Logger, signal: AbortSignal): Promise<ReplyReport[]> {
  const vocabulary = new TagVocabulary(character.emotions, character.motions);
  const reports: ReplyReport[] = [];
  for (const scenario of file.scenarios) {
    const history: StoredMessage[] = [];
    const replies: string[] = [];
    for (const [i, step] of scenario.steps.entries()) {
      const user = step.user ? { id: `eval:${step.user_id ?? step.user}`, displayName: step.user, platform: 'twitch' as const } : { id: 'local:streamer', displayName: character.names.user, platform: 'local' as const };
      // A step's `text` is what the viewer said: for an event with a message (donation, cheer...) it is that message.
      const said = 'message' in INPUT_KINDS[step.kind].fields.shape && step.fields.message === undefined ? { message: step.text } : {};
      const input = { ...parseInputFields(step.kind, { ...step.fields, ...said }), id: `${scenario.name}-${i}`, kind: step.kind, text: step.text, user, receivedAt: 0 } as InputItem;
      const rendered = renderInput(input, character);
      const prompt = buildPrompt({ character, persona, userContent: rendered.content, history, context: {}, interruptMarker: '[interrupted]' });
      const started = performance.now();
      let raw = '';
      try {
        for await (const chunk of provider.stream({ messages: prompt.messages, sampling, signal })) if (chunk.type === 'text') raw += chunk.text;
      } catch (err) {
        raw = '';
        log.warn({ event: 'eval.llm_failed', scenario: scenario.name, step: i, err: (err as Error).message }, 'LLM call failed');
      }
      const ms = performance.now() - started;
      const shaper = new ReplyShaper({ segmenter: { locale: character.language, firstClauseMaxWords: 1000, maxSegmentChars: 2000 }, vocabulary, filter: new OutputFilter(character.spicy_mode), deflection: '(blocked)', log });
      const segs = [...shaper.push(raw), ...shaper.finish().segments];
      const reply = segs.map((s) => s.text).join(' ');
      const parser = new TagStreamParser();
      const tags = [...parser.push(raw), ...parser.flush()].filter((e) => e.type === 'tag');
      const invalidTags = tags.filter((t) => t.type === 'tag' && !vocabulary.resolve(t)).length;
      const violations: string[] = [];
      if (!reply) violations.push('empty reply');
      if (segs.length > 3) violations.push(`${segs.length} sentences (max 3)`);
      if (shaper.blocked) violations.push('blocked by the output filter');
      if (/(^|\n)\s*([-*•]|\d+\.)\s|#{1,6}\s|\*\*|```/.test(raw)) violations.push('markdown');
      if (/\p{Extended_Pictographic}/u.test(raw)) violations.push('emoji');
      if (/\b(as an ai language model|i cannot assist)\b/i.test(raw) || /(как (?:языковая модель|ии-ассистент|искусственный интеллект, я не)|я не могу (?:помочь|с этим помочь))/iu.test(raw)) violations.push('assistant boilerplate');
      if (/<\/?think>|\b(?:step \d|first, i will)\b|(?:сначала я подумаю|шаг \d)/iu.test(raw)) violations.push('reasoning aloud');
      const repetition = Math.max(0, ...replies.map((r) => overlap(r, reply)));
      if (repetition > 0.5) violations.push(`repeats an earlier reply (${Math.round(repetition * 100)}%)`);
      reports.push({ scenario: scenario.name, step: i, kind: step.kind, reply, chars: reply.length, sentences: segs.length, tags: tags.length, invalidTags, repetition, violations, ms });
      replies.push(reply);
      if (rendered.store) history.push(stored('user', rendered.content, history.length));
      history.push(stored('assistant', reply, history.length));
    }
  }
  return reports;
}

function stored(role: 'user' | 'assistant', text: string, id: number): StoredMessage {
  return { id, conversationId: 'eval', role, source: role === 'user' ? 'voice' : 'reply', userId: null, userName: null, text, fullText: null, interrupted: false, emotions: [], timings: {}, usage: null, turnId: null, createdAt: 0 };
}

/** Share of word trigrams of `b` that also occur in `a`. */
export function overlap(a: string, b: string): number {
  const grams = (t: string): Set<string> => {
    const w = t.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    const out = new Set<string>();
    for (let i = 0; i + 2 < w.length; i++) out.add(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  if (gb.size === 0) return 0;
  let same = 0;
  for (const g of gb) if (ga.has(g)) same++;
  return same / gb.size;
}
