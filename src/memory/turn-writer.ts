import { randomUUID } from 'node:crypto';
import type { BusEvents } from '../core/bus-events.ts';
import type { MemoryConfig } from './memory-config.ts';
import type { MemoryItem } from './memory-item.ts';
import { classifyCharacterText, classifyEvent, classifyUserText, type Classified } from './turn-classifier.ts';

const SPEECH_KINDS = new Set(['voice', 'text', 'chat', 'first_chat']);

/** The memories one finished turn leaves behind (possibly none). */
export function memoriesFromTurn(done: BusEvents['agent.reply_done'], cfg: MemoryConfig, characterName: string, now = Date.now()): MemoryItem[] {
  const input = done.input;
  const emotion = done.emotions[0] ?? '';
  const out: MemoryItem[] = [];
  const push = (c: Classified | undefined, user: { id: string; displayName: string }): void => {
    if (!c) return;
    const long = c.importance >= cfg.write.min_importance;
    out.push({
      id: randomUUID(),
      text: c.text,
      metadata: {
        kind: c.kind,
        scope: long ? 'long' : 'session',
        importance: c.importance,
        tags: c.tags,
        emotion,
        user_id: c.kind === 'self' ? '' : user.id,
        user_name: c.kind === 'self' ? '' : user.displayName,
        source: `turn:${input.kind}`,
        // Stamped with the active character by MemoryService.write.
        character: '',
        created_at: now,
        updated_at: now,
        expires_at: long ? 0 : now + cfg.session.ttl_minutes * 60_000,
      },
    });
  };
  if (SPEECH_KINDS.has(input.kind)) push(classifyUserText(input.text, input.user.displayName), input.user);
  else if (input.kind === 'chat_batch') for (const m of input.messages) push(classifyUserText(m.text, m.user.displayName), m.user);
  // Events worth remembering (donations, subs, raids, game results...); classifyEvent skips the rest.
  else push(classifyEvent(input), input.user);
  if (done.heardText.trim()) push(classifyCharacterText(done.heardText, characterName), input.user);
  return out;
}
