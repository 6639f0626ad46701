import type { InputItem } from '../core/input.ts';
import type { NewInteraction } from './relationship-db.ts';
import type { InteractionKind } from './scoring-rules.ts';
import { sentimentOf } from './sentiment.ts';

const KIND: Partial<Record<InputItem['kind'], InteractionKind>> = {
  chat: 'chat', first_chat: 'chat', text: 'chat', voice: 'voice',
  sub: 'sub', resub: 'sub', gift: 'sub', membership: 'sub', cheer: 'cheer', donation: 'donation', super_chat: 'donation', raid: 'raid',
};

/** What an input is worth, in the unit of its kind (money, bits, months, viewers). */
function amountOf(item: InputItem): number {
  switch (item.kind) {
    case 'donation':
    case 'super_chat':
      return item.amount;
    case 'cheer':
      return item.bits;
    case 'sub':
    case 'resub':
      return item.months;
    case 'membership':
      return item.months ?? 1;
    case 'raid':
      return item.viewers;
    default:
      return 0;
  }
}

/** The interactions one queued input stands for (a chat batch stands for each of its messages). */
export function interactionsFromInput(item: InputItem, now = Date.now()): NewInteraction[] {
  if (item.user.platform === 'system') return [];
  if (item.kind === 'chat_batch') {
    return item.messages.map((m) => ({ userId: m.user.id, platform: m.user.platform, displayName: m.user.displayName, kind: 'chat', summary: m.text.slice(0, 200), sentiment: sentimentOf(m.text), amount: 0, gift: false, at: now }));
  }
  const kind = KIND[item.kind];
  if (!kind) return [];
  const amount = Math.max(0, amountOf(item));
  const currency = item.kind === 'donation' || item.kind === 'super_chat' ? ` ${item.currency}` : '';
  const prefix = kind === 'donation' ? `donated ${amount}${currency}` : kind === 'cheer' ? `cheered ${amount} bits` : kind === 'sub' ? (item.kind === 'gift' ? 'gifted subs' : `subscribed ${amount} months`) : kind === 'raid' ? `raided with ${amount}` : '';
  const text = item.text.trim();
  const summary = [prefix, text].filter(Boolean).join(': ').slice(0, 200);
  return [{ userId: item.user.id, platform: item.user.platform, displayName: item.user.displayName, kind, summary, sentiment: sentimentOf(text), amount, gift: item.kind === 'gift', at: now }];
}
