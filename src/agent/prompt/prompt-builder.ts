import type { CharacterConfig } from '../../config-schema.ts';
import type { PromptContext } from '../../core/prompt-context.ts';
import type { ChatMessage } from '../llm/llm-types.ts';
import type { StoredMessage } from '../history/history-store.ts';
import { promptStrings } from './prompt-strings.ts';
import { messageTokens } from './tokens.ts';

export interface PromptParts {
  character: CharacterConfig;
  /** Contents of the persona prompt file (prompts/<persona_prompt>), may be empty. */
  persona: string;
  /** What the newest user message says (rendered input), or undefined for none. */
  userContent: string | undefined;
  /** Stored dialogue, oldest first. */
  history: readonly StoredMessage[];
  context: PromptContext;
  /** Appended once to a reply that was cut off. */
  interruptMarker: string;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  stats: { systemTokens: number; historyTokens: number; historyMessages: number; droppedMessages: number };
}

const MAX_MEMORIES = 8;

/** The name the character goes by in the dialogue. */
export function characterName(c: CharacterConfig): string {
  return c.names.character || c.display_name;
}

/** The system prompt: persona, style, tags, facts and safety, then the per-turn context, in the character's language. */
export function buildSystemPrompt(c: CharacterConfig, persona: string, context: PromptContext, marker: string): string {
  const s = promptStrings(c.language);
  const name = characterName(c);
  const user = c.names.user;
  const parts: string[] = [];
  parts.push(s.intro(name, c.self_description.trim()));
  if (persona.trim()) parts.push(`${s.persona}\n${persona.trim()}`);
  const audience = c.stream_mode ? s.audienceStream(user) : s.audiencePrivate(user);
  parts.push(`${s.situation}\n${c.situation.trim()}\n${audience}`);
  parts.push([s.speakHeading, s.spokenAloud, s.noMarkup, s.speakLanguage(c.language), s.inCharacter, s.noRepeat].join('\n'));
  parts.push(`${s.tagsHeading}\n${s.tags(c.emotions.join(', '), c.motions.join(', '))}`);
  const safety = [s.safetyHeading, s.noInventedFacts, s.kindness, s.privacy, s.interrupted(marker)];
  if (!c.spicy_mode) safety.push(s.noSwearing);
  parts.push(safety.join('\n'));
  if (context.relationshipCard?.trim()) parts.push(`${s.aboutSpeaker}\n${context.relationshipCard.trim()}`);
  const memories = (context.memories ?? []).map((m) => m.trim()).filter(Boolean).slice(0, MAX_MEMORIES);
  if (memories.length) parts.push(`${s.memories}\n${memories.map((m) => `- ${m}`).join('\n')}`);
  return parts.join('\n\n');
}

/** How a stored message appears in the prompt. An interrupted reply carries exactly one marker. */
export function renderHistoryMessage(m: StoredMessage, marker: string): ChatMessage {
  if (m.role === 'user') return { role: 'user', content: m.text };
  const heard = m.text.trim();
  return { role: 'assistant', content: m.interrupted ? (heard ? `${heard} ${marker}` : marker) : heard };
}

/**
 * Assembles the request: system prompt, then as much recent history as the character's token
 * budget allows (oldest messages dropped first), then the newest user message.
 */
export function buildPrompt(p: PromptParts): BuiltPrompt {
  const system = buildSystemPrompt(p.character, p.persona, p.context, p.interruptMarker);
  const budget = p.character.history_token_budget;
  const window: ChatMessage[] = [];
  let used = 0;
  let dropped = 0;
  for (let i = p.history.length - 1; i >= 0; i--) {
    const msg = renderHistoryMessage(p.history[i] as StoredMessage, p.interruptMarker);
    if (!msg.content) continue;
    const cost = messageTokens(msg.content);
    if (used + cost > budget) {
      dropped = i + 1;
      break;
    }
    used += cost;
    window.unshift(msg);
  }
  const messages: ChatMessage[] = [{ role: 'system', content: system }, ...window];
  if (p.userContent !== undefined) messages.push({ role: 'user', content: p.userContent });
  return { messages, stats: { systemTokens: messageTokens(system), historyTokens: used, historyMessages: window.length, droppedMessages: dropped } };
}
