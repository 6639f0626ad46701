import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { EngineError, isEngineError } from '../../src/core/errors.ts';
import type { InputUser } from '../../src/core/input.ts';
import type { InputQueue } from '../../src/core/input-queue.ts';
import { bump, type TwitchCounters } from './counters.ts';
import type { ChatModerator } from '../../src/chat/chat-moderator.ts';
import { RecentIds } from '../../src/chat/recent-ids.ts';
import { donationInput, nameUserId } from '../../src/chat/donation-input.ts';

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';

/** The documented donation body (plugins/twitch/README.md). */
export const DonationSchema = z
  .object({
    /** Unique per donation; a second delivery with the same id is refused as a replay. */
    id: z.string().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(100),
    amount: z.number().positive().max(1_000_000),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as USD'),
    message: z.string().max(2_000).default(''),
    /** Optional numeric Twitch user id, so the donation joins the viewer's history. */
    twitch_user_id: z.string().regex(/^\d{1,20}$/).optional(),
  })
  .strict();

export type Donation = z.infer<typeof DonationSchema>;

/** `sha256=<hex of HMAC-SHA256(secret, timestamp + "." + raw body)>` */
export function signDonation(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface DonationRouteOptions {
  secret: () => string | undefined;
  secretEnv: string;
  toleranceS: number;
  input: InputQueue;
  moderator: ChatModerator;
  counters: TwitchCounters;
  log: Logger;
  onAccepted(): void;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** POST /donation: HMAC-verified, replay-protected donation webhook → a `donation` input. */
export function registerDonationRoute(app: FastifyInstance, opts: DonationRouteOptions): void {
  const seen = new RecentIds(10_000, opts.toleranceS * 2_000);
  // The signature covers the exact bytes sent, so this scope keeps the raw body and parses it itself.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/donation', async (req, reply) => {
    const secret = opts.secret();
    if (!secret) throw new EngineError('PLUGIN_UNAVAILABLE', `donation webhook is off: set ${opts.secretEnv} in .env`);
    const refuse = (reason: string, err: EngineError): never => {
      bump(opts.counters.dropped, `donation_${reason}`);
      opts.log.warn({ event: 'twitch.donation_refused', reason, ip: req.ip }, 'donation webhook refused');
      throw err;
    };
    const timestamp = header(req.headers[TIMESTAMP_HEADER]);
    const signature = header(req.headers[SIGNATURE_HEADER]);
    const raw = typeof req.body === 'string' ? req.body : '';
    if (!timestamp || !signature) return refuse('unsigned', new EngineError('UNAUTHORIZED', `missing ${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER} header`));
    if (!/^\d{9,11}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > opts.toleranceS) {
      return refuse('stale', new EngineError('UNAUTHORIZED', `${TIMESTAMP_HEADER} must be unix seconds within ${opts.toleranceS} s of now`));
    }
    if (!safeEqual(signature, signDonation(secret, timestamp, raw))) return refuse('bad_signature', new EngineError('UNAUTHORIZED', 'signature does not match'));
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return refuse('malformed', new EngineError('BAD_JSON', 'body is not valid JSON'));
    }
    const parsed = DonationSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse('malformed', new EngineError('BAD_MESSAGE', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`));
    }
    const donation = parsed.data;
    if (seen.seen(donation.id ?? signature)) return refuse('replay', new EngineError('DUPLICATE_EVENT', 'this donation was already received'));

    const user = (name: string): InputUser =>
      donation.twitch_user_id ? { id: `twitch:${donation.twitch_user_id}`, displayName: name, platform: 'twitch' } : { id: nameUserId('webhook', name), displayName: name, platform: 'webhook' };
    try {
      const item = opts.input.push(donationInput(opts.moderator, { name: donation.name, amount: donation.amount, currency: donation.currency, message: donation.message, ...(donation.id !== undefined ? { id: donation.id } : {}) }, { user, source: 'donation', requestId: req.id }));
      bump(opts.counters.received, 'donation');
      bump(opts.counters.queued, 'donation');
      opts.onAccepted();
      opts.log.info({ event: 'twitch.donation', amount: donation.amount, currency: donation.currency, donation_id: donation.id }, 'donation accepted');
      return reply.code(202).send({ accepted: true, inputId: item.id });
    } catch (err) {
      if (isEngineError(err)) bump(opts.counters.dropped, 'queue_full');
      throw err;
    }
  });
}
