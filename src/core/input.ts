import { z } from 'zod';

const Platform = z.enum(['local', 'twitch', 'youtube', 'webhook', 'mcp', 'system']);

export interface InputUser {
  /** Stable platform id (e.g. `twitch:12345`, `local:streamer`); nicknames may change, this may not. */
  id: string;
  displayName: string;
  platform: z.infer<typeof Platform>;
}

const UserSchema = z.object({ id: z.string(), displayName: z.string(), platform: Platform }).strict();
const Count = z.number().int().nonnegative();
/** A viewer's own words attached to an event (cleaned by moderation). */
const Message = z.string().optional();
/** A game result's fields: which game, and a short detail (score, place, boss name…). */
const GameResultFields = z.object({ game: z.string().max(100).optional(), detail: z.string().max(300).optional() }).strict();

/**
 * Every input kind, in one table: its queue priority (lower runs first; the streamer's voice and
 * typed text beat everything, chat comes last) and its typed fields. The agent picks a prompt
 * template by kind, and a template can name any of these fields (`{amount}`, `{months}`...).
 *
 * Adding a kind is one entry here. The compiler then points at every `switch` on `kind` that must
 * handle it (prompt rendering, the character's event templates).
 */
export const INPUT_KINDS = {
  voice: { priority: 0, fields: z.object({ language: z.string().optional() }).strict() },
  text: { priority: 0, fields: z.object({}).strict() },
  system: {
    priority: 0,
    fields: z
      .object({
        /** true: spoken exactly as written, no model call (tags are still honoured). */
        verbatim: z.boolean().optional(),
        /** Why the character speaks (e.g. `greeting`); stored as the reply's history source. */
        purpose: z.string().optional(),
      })
      .strict(),
  },
  donation: { priority: 1, fields: z.object({ amount: z.number().nonnegative(), currency: z.string(), message: Message, donationId: z.string().optional() }).strict() },
  /** A YouTube Super Chat or Super Sticker (`sticker` is the sticker's description). */
  super_chat: {
    priority: 1,
    fields: z.object({ amount: z.number().nonnegative(), currency: z.string(), message: Message, sticker: z.string().optional(), tier: Count.optional(), donationId: z.string().optional() }).strict(),
  },
  cheer: { priority: 1, fields: z.object({ bits: Count, message: Message }).strict() },
  sub: { priority: 2, fields: z.object({ months: Count, tier: z.string().optional(), prime: z.boolean().optional(), message: Message }).strict() },
  resub: { priority: 2, fields: z.object({ months: Count, streakMonths: Count.optional(), tier: z.string().optional(), prime: z.boolean().optional(), message: Message }).strict() },
  gift: { priority: 2, fields: z.object({ count: Count, tier: z.string().optional(), anonymous: z.boolean().optional(), recipients: z.array(z.string()).optional() }).strict() },
  /** A new channel member (YouTube), an upgrade, or a member's milestone message (`months`). */
  membership: { priority: 2, fields: z.object({ level: z.string().optional(), months: Count.optional(), upgrade: z.boolean().optional(), message: Message }).strict() },
  /** A new follower (Twitch EventSub `channel.follow`). */
  follow: { priority: 3, fields: z.object({ login: z.string().optional() }).strict() },
  /** A channel-points reward redeemed (Twitch EventSub): its title, cost and the viewer's own text. */
  redemption: { priority: 2, fields: z.object({ reward: z.string(), cost: Count, message: Message, redemptionId: z.string().optional() }).strict() },
  raid: { priority: 2, fields: z.object({ viewers: Count }).strict() },
  /** A game result the streamer or a plugin reports; `text` is an optional comment. */
  win: { priority: 1, fields: GameResultFields },
  loss: { priority: 1, fields: GameResultFields },
  first_chat: { priority: 3, fields: z.object({ login: z.string().optional(), command: z.string().optional() }).strict() },
  chat: { priority: 3, fields: z.object({ login: z.string().optional(), command: z.string().optional() }).strict() },
  chat_batch: {
    priority: 3,
    fields: z
      .object({
        /** How many lines were folded in. */
        count: Count,
        /** How many different viewers wrote them. */
        viewers: Count,
        /** The most repeated word, if any stood out. */
        topic: z.string().optional(),
        topicCount: Count.optional(),
        durationMs: z.number().nonnegative().optional(),
        /** A sample of the lines (who said what), for memory and relationships. */
        messages: z.array(z.object({ user: UserSchema, text: z.string() }).strict()),
      })
      .strict(),
  },
  proactive: { priority: 4, fields: z.object({ idleS: z.number().nonnegative().optional() }).strict() },
} as const;

type KindTable = typeof INPUT_KINDS;

/** Where an input came from. The queue orders by these, and the agent picks a prompt template by them. */
export type InputKind = keyof KindTable;

export const INPUT_KIND_NAMES = Object.freeze(Object.keys(INPUT_KINDS) as InputKind[]);

/** Lower runs first. */
export const INPUT_PRIORITY: Readonly<Record<InputKind, number>> = Object.freeze(
  Object.fromEntries(INPUT_KIND_NAMES.map((k) => [k, INPUT_KINDS[k].priority])) as Record<InputKind, number>,
);

/** Fields every input has, whatever its kind. */
export interface InputBase {
  id: string;
  text: string;
  user: InputUser;
  /** `performance.now()` when the input was received. */
  receivedAt: number;
  /** The websocket client that sent it, if any. */
  clientUid?: string;
  /** The HTTP request or other trace id it came with, if any. */
  requestId?: string;
  /** The number of the websocket message that carried it (with `clientUid`), if any. */
  wsSeq?: number;
  /** Which plugin or route pushed it (e.g. `twitch`, `donation`, `mcp`). */
  source?: string;
  /** The platform's own id for the message or event (e.g. the IRCv3 `id` tag), so a moderator's delete can find it. */
  sourceMessageId?: string;
  /** Timings already measured before the queue (e.g. VAD end, ASR final). */
  timings?: Readonly<Record<string, number>>;
}

type NoIndex<T> = string extends keyof T ? Record<never, never> : T;

/** The typed fields of one kind (zod types a field-less object as an index signature; that is dropped). */
export type InputFields<K extends InputKind> = NoIndex<z.output<KindTable[K]['fields']>>;

/** An input of one kind. */
export type InputOf<K extends InputKind> = InputBase & { kind: K } & InputFields<K>;

/** One queued input: a discriminated union on `kind`. */
export type InputItem = { [K in InputKind]: InputOf<K> }[InputKind];

export function isInputOf<K extends InputKind>(item: InputItem | undefined, kind: K): item is InputItem & InputOf<K> {
  return item?.kind === kind;
}

/**
 * Checks the fields of one kind given as plain data (e.g. a scenario file). Throws a ZodError
 * naming the field.
 */
export function parseInputFields<K extends InputKind>(kind: K, fields: unknown): InputFields<K> {
  return INPUT_KINDS[kind].fields.parse(fields ?? {}) as InputFields<K>;
}

/** The kind-specific fields of an input (those its kind's schema names), e.g. to fill a prompt template. */
export function inputFields(item: InputItem): Readonly<Record<string, unknown>> {
  const values = item as unknown as Readonly<Record<string, unknown>>;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(INPUT_KINDS[item.kind].fields.shape)) if (key in values) fields[key] = values[key];
  return fields;
}

export const STREAMER: InputUser = Object.freeze({ id: 'local:streamer', displayName: 'Streamer', platform: 'local' });
