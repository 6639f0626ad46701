import type { InputItem } from '../core/input.ts';
import type { InputQueue } from '../core/input-queue.ts';

const STOP_WORDS = new Set(['the', 'a', 'an', 'is', 'it', 'i', 'you', 'to', 'and', 'of', 'in', 'on', 'this', 'that', 'lol', 'что', 'это', 'и', 'в', 'не', 'на', 'я', 'ты']);

/**
 * Chat flood handling. When a chat message is taken and enough others wait behind it, all
 * waiting chat becomes one `chat_batch` input ("chat is going wild about X"): the newest
 * messages are quoted, and the most repeated word or emote is named as the topic.
 */
export function maybeBatchChat(first: InputItem, queue: InputQueue, threshold: number, maxMessages: number): InputItem {
  if (first.kind !== 'chat') return first;
  const waiting = queue.snapshot().filter((i) => i.kind === 'chat');
  if (waiting.length + 1 < threshold) return first;
  const ids = new Set(waiting.map((i) => i.id));
  const taken = queue.remove((i) => ids.has(i.id), 'superseded');
  const all = [first, ...taken];
  const quoted = all.slice(-maxMessages);
  const topic = mostRepeated(all.map((i) => i.text));
  const users = [...new Set(all.map((i) => i.user.displayName))];
  const lines = quoted.map((i) => `${i.user.displayName}: ${i.text.slice(0, 200)}`);
  if (topic) lines.push(`(Most repeated: "${topic.word}", ${topic.count} times)`);
  return {
    id: first.id,
    kind: 'chat_batch',
    text: lines.join('\n'),
    user: { id: 'chat', displayName: 'Chat', platform: first.user.platform },
    receivedAt: first.receivedAt,
    count: all.length,
    viewers: users.length,
    ...(topic ? { topic: topic.word, topicCount: topic.count } : {}),
    messages: all.map((i) => ({ user: i.user, text: i.text })),
  };
}

function mostRepeated(texts: readonly string[]): { word: string; count: number } | undefined {
  const counts = new Map<string, number>();
  const seg = new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const text of texts) {
    const seen = new Set<string>();
    for (const s of seg.segment(text)) {
      const w = s.segment.toLowerCase();
      if (!s.isWordLike || w.length < 2 || STOP_WORDS.has(w) || seen.has(w)) continue;
      seen.add(w);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  let best: { word: string; count: number } | undefined;
  for (const [word, count] of counts) if (count >= 3 && (!best || count > best.count)) best = { word, count };
  return best;
}
