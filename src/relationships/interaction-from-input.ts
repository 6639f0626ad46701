import type { InputItem } from '../core/input.ts';
import type { NewInteraction } from './relationship-db.ts';
import type { InteractionKind } from './scoring-rules.ts';
import { sentimentOf } from './sentiment.ts';

const KIND: Partial<Record<InputItem['kind'], InteractionKind>> = {
  chat: 'chat', first_chat: 'chat', text: 'chat', voice: 'voice',
  sub: 'sub', resub: 'sub', gift: 'sub', cheer: 'cheer', donation: 'donation', raid: 'raid',
};

function num(meta: Readonly<Record<string, unknown>> | undefined, ...keys: string[]): number {
  for (const k of keys) {
    const v = meta?.[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Math.max(0, Number(v));
  }
  return 0;
}

/** The interactions one queued input stands for (a chat batch stands for each of its messages). */
export function interactionsFromInput(item: InputItem, now = Date.now()): NewInteraction[] {
  if (item.user.platform === 'system') return [];
  if (item.kind === 'chat_batch') {
    const raw = item.meta?.messages;
    if (!Array.isArray(raw)) return [];
    const out: NewInteraction[] = [];
    for (const m of raw as unknown[]) {
      if (typeof m !== 'object' || m === null) continue;
      const r = m as Record<string, unknown>;
      const u = r.user as Record<string, unknown> | undefined;
      if (!u || typeof u.id !== 'string' || typeof r.text !== 'string') continue;
      const name = typeof u.displayName === 'string' ? u.displayName : u.id;
      const platform = typeof u.platform === 'string' ? u.platform : item.user.platform;
      out.push({ userId: u.id, platform, displayName: name, kind: 'chat', summary: r.text.slice(0, 200), sentiment: sentimentOf(r.text), amount: 0, gift: false, at: now });
    }
    return out;
  }
  const kind = KIND[item.kind];
  if (!kind) return [];
  const amount = kind === 'donation' ? num(item.meta, 'amount') : kind === 'cheer' ? num(item.meta, 'bits') : kind === 'sub' ? num(item.meta, 'months', 'cumulativeMonths') : kind === 'raid' ? num(item.meta, 'viewers') : 0;
  const currency = typeof item.meta?.currency === 'string' ? ` ${item.meta.currency}` : '';
  const prefix = kind === 'donation' ? `donated ${amount}${currency}` : kind === 'cheer' ? `cheered ${amount} bits` : kind === 'sub' ? (item.kind === 'gift' ? 'gifted subs' : `subscribed ${amount} months`) : kind === 'raid' ? `raided with ${amount}` : '';
  const text = item.text.trim();
  const summary = [prefix, text].filter(Boolean).join(': ').slice(0, 200);
  return [{ userId: item.user.id, platform: item.user.platform, displayName: item.user.displayName, kind, summary, sentiment: sentimentOf(text), amount, gift: item.kind === 'gift', at: now }];
}
