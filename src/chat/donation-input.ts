import type { InputOf, InputUser } from '../core/input.ts';
import type { ChatModerator } from './chat-moderator.ts';

/** A donation as any service reports it, before moderation. */
export interface DonationFacts {
  name: string;
  amount: number;
  currency: string;
  message: string;
  /** The service's own id for the donation, if it has one. */
  id?: string;
}

export type DonationInput = Omit<InputOf<'donation'>, 'id' | 'receivedAt'>;

/** `12.5 USD`, `500 RUB`: at most two decimals, no trailing `.00`. */
export function formatAmount(amount: number, currency: string): string {
  return `${amount.toFixed(2).replace(/\.00$/, '')} ${currency.toUpperCase()}`;
}

/**
 * The one shape every donation source gives the input queue (the signed webhook, StreamElements,
 * Streamlabs, DonationAlerts), so relationships, memory, prompts and OBS triggers treat them alike:
 * the message runs through chat moderation (blocked words blank it, long ones are cut), a name with
 * a blocked word becomes `anonymousName`.
 */
export function donationInput(
  moderator: ChatModerator,
  facts: DonationFacts,
  opts: { user: (name: string) => InputUser; source: string; anonymousName?: string; requestId?: string },
): DonationInput {
  const message = moderator.cleanEventMessage(facts.message);
  const anonymous = opts.anonymousName ?? 'Someone';
  const clipped = moderator.clip(facts.name, 50);
  const name = !clipped || moderator.hasBlockedWord(clipped) ? anonymous : clipped;
  const currency = facts.currency.toUpperCase();
  return {
    kind: 'donation',
    text: `${name} donated ${formatAmount(facts.amount, currency)}.${message ? ` They said: ${message}` : ''}`,
    user: opts.user(name),
    source: opts.source,
    ...(opts.requestId !== undefined ? { requestId: opts.requestId } : {}),
    ...(facts.id !== undefined ? { sourceMessageId: facts.id } : {}),
    amount: facts.amount,
    currency,
    message,
    ...(facts.id !== undefined ? { donationId: facts.id } : {}),
  };
}

/** A stable user id from a display name, for services that give no account id: `streamlabs:jane_doe`. */
export function nameUserId(prefix: string, name: string): string {
  return `${prefix}:${name.toLowerCase().replace(/\s+/g, '_')}`;
}
