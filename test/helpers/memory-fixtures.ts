import type { BusEvents } from '../../src/core/bus-events.ts';
import type { InputFields, InputItem, InputKind } from '../../src/core/input.ts';

let n = 0;

/** An input from a viewer, as the queue would hand it to the agent. */
export function viewerInput<K extends InputKind = 'chat'>(userId: string, displayName: string, text: string, kind?: K, fields?: InputFields<K>): InputItem {
  n++;
  return { ...fields, id: `in-${n}`, kind: kind ?? 'chat', text, user: { id: userId, displayName, platform: 'twitch' }, receivedAt: performance.now() } as InputItem;
}

/** The event the agent emits once a reply is settled. */
export function replyDone(input: InputItem, replyText = 'Oh, nice!', emotions: string[] = ['joy']): BusEvents['agent.reply_done'] {
  return { turnId: `turn-${input.id}`, input, replyText, heardText: replyText, interrupted: false, emotions };
}

/** Waits until `check` returns true (bounded). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
