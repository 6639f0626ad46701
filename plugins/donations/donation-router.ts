import type { Logger } from 'pino';
import type { ChatModerator } from '../../src/chat/chat-moderator.ts';
import { donationInput, nameUserId } from '../../src/chat/donation-input.ts';
import { RecentIds } from '../../src/chat/recent-ids.ts';
import { isEngineError } from '../../src/core/errors.ts';
import type { InputQueue } from '../../src/core/input-queue.ts';
import type { DonationsConfig, ServiceName } from './config.ts';
import type { ServiceDonation } from './service-connection.ts';

export interface DonationCounts {
  received: number;
  queued: number;
  duplicates: number;
  tests_skipped: number;
  blocked_users: number;
  refused: number;
  lastDonationAt: string | null;
}

const emptyCounts = (): DonationCounts => ({ received: 0, queued: 0, duplicates: 0, tests_skipped: 0, blocked_users: 0, refused: 0, lastDonationAt: null });

/**
 * Turns each service's donations into `donation` inputs: once per service id (the ids outlive a
 * reconnect, since they live here and not in the connection), with the chat moderation rules, in the
 * same shape as the signed donation webhook.
 */
export class DonationRouter {
  private readonly seen = new Map<ServiceName, RecentIds>();
  readonly counts: Record<ServiceName, DonationCounts> = { streamelements: emptyCounts(), streamlabs: emptyCounts(), donationalerts: emptyCounts() };

  constructor(
    private readonly cfg: Readonly<DonationsConfig>,
    private readonly input: InputQueue,
    private readonly moderator: ChatModerator,
    private readonly log: Logger,
  ) {}

  accept(service: ServiceName, d: ServiceDonation): void {
    const counts = this.counts[service];
    counts.received++;
    let seen = this.seen.get(service);
    if (!seen) {
      seen = new RecentIds(this.cfg.dedupe_ids);
      this.seen.set(service, seen);
    }
    if (seen.seen(d.id)) {
      counts.duplicates++;
      this.log.debug({ event: 'donations.duplicate', service, donation_id: d.id }, 'donation already received');
      return;
    }
    if (d.test && !this.cfg.accept_test_events) {
      counts.tests_skipped++;
      return;
    }
    const login = d.name.toLowerCase();
    if (login && this.moderator.isIgnoredUser({ id: nameUserId(service, d.name), login })) {
      counts.blocked_users++;
      return;
    }
    const item = donationInput(
      this.moderator,
      { name: d.name, amount: d.amount, currency: d.currency, message: d.message, id: d.id },
      { user: (name) => ({ id: nameUserId(service, name), displayName: name, platform: 'webhook' }), source: service, anonymousName: this.cfg.anonymous_name },
    );
    try {
      this.input.push(item);
    } catch (err) {
      if (!isEngineError(err)) throw err;
      counts.refused++;
      this.log.warn({ event: 'donations.input_refused', service, code: err.code }, 'the input queue refused a donation');
      return;
    }
    counts.queued++;
    counts.lastDonationAt = new Date().toISOString();
    this.log.info({ event: 'donations.donation', service, amount: d.amount, currency: item.currency, donation_id: d.id }, 'donation received');
  }
}
