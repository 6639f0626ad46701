import { z } from 'zod';
import { EMOTIONS, MOTIONS } from '../live2d/avatar-vocabulary.ts';

/** The default vocabulary: every name the avatar page animates (src/live2d/avatar-vocabulary.ts). */
export const DEFAULT_EMOTIONS = EMOTIONS;
export const DEFAULT_MOTIONS = MOTIONS;

const Template = z.string().max(2000);

/**
 * How inputs that are not plain speech are put to the model. `{user}`, `{text}` (what the viewer
 * said: for a donation, cheer, sub or redemption, their own message) and any key of the input's own
 * fields (amount, currency, months, viewers, bits, count...; see INPUT_KINDS in src/core/input.ts)
 * are filled in.
 */
export const EventTemplatesSchema = z
  .object({
    donation: Template.default('{user} just donated {amount} {currency}. Their message: "{text}". Thank them warmly and react to the message.'),
    super_chat: Template.default('{user} sent a Super Chat of {amount} {currency}. Their message: "{text}". Thank them warmly and react to the message.'),
    membership: Template.default('{user} just became a channel member ({level}). Welcome them to the membership warmly.'),
    cheer: Template.default('{user} cheered {bits} bits. Their message: "{text}". Thank them with energy.'),
    sub: Template.default('{user} just subscribed. Welcome them warmly in one or two sentences.'),
    resub: Template.default('{user} resubscribed for {months} months. Their message: "{text}". Celebrate their loyalty.'),
    gift: Template.default('{user} gifted {count} subs to the community. Thank them generously.'),
    follow: Template.default('{user} just followed the channel. Thank them in one short sentence.'),
    redemption: Template.default('{user} redeemed "{reward}" with channel points. Their message: "{text}". React to it in character.'),
    raid: Template.default('{user} is raiding with {viewers} viewers. Welcome the raiders and say hi to {user}.'),
    /** {about}: the game, the detail and the comment that came with the result, whichever were given. */
    win: Template.default('The streamer just won a game ({about}). Celebrate with them in one or two sentences.'),
    loss: Template.default('The streamer just lost a game ({about}). Cheer them up lightly, no mockery, in one or two sentences.'),
    first_chat: Template.default('{user} is chatting for the first time: "{text}". Welcome them and answer.'),
    chat: Template.default('{user} in chat: {text}'),
    chat_batch: Template.default('Chat is going wild. Recent messages:\n{text}\nReact to the overall mood; pick one or two messages to answer.'),
    proactive: Template.default('Nobody has said anything for a while. Say something short on your own: a thought, a question to chat, or a comment on the stream. Do not repeat earlier topics.'),
  })
  .strict();

/**
 * The agent's part of the `character` block: persona, prompts, vocabulary and history budget.
 * Spread into CharacterConfigSchema; `characters/<name>.yaml` overrides any of it.
 */
export const PersonaShape = {
  /** The character's Live2D model: a model_dict name that wins over `live2d.model`; empty = `live2d.model`. */
  avatar: z.string().max(64).default(''),
  /** Spoken as-is when the first client connects or a session starts; empty = no greeting. */
  greeting: z.string().max(1000).default(''),
  /** Names used in the dialogue. `character` empty = display_name. */
  names: z
    .object({
      character: z.string().default(''),
      user: z.string().min(1).default('Streamer'),
    })
    .strict()
    .prefault({}),
  /** Who the character is, in the third person or first person. */
  self_description: z.string().max(4000).default('A cheerful virtual streamer who loves chatting with the audience.'),
  /** Where the character is and what is going on. */
  situation: z.string().max(4000).default('You are live on stream, talking with the streamer and the chat.'),
  /** Extra persona prompt file in prompts/ (e.g. neiri.md); empty = none. */
  persona_prompt: z.string().regex(/^[a-zA-Z0-9_.-]*$/, 'a file name in prompts/').default(''),
  event_templates: EventTemplatesSchema.prefault({}),
  /** true: a live audience is watching (chat, events); false: a private one-to-one conversation. */
  stream_mode: z.boolean().default(true),
  /** false: profanity is softened or removed before speech. Slurs are always blocked. */
  spicy_mode: z.boolean().default(false),
  /** Emotion names the model may tag; the frontend maps them to the avatar. */
  emotions: z.array(z.string().regex(/^[a-z0-9_-]{1,32}$/)).min(1).default([...DEFAULT_EMOTIONS]),
  /** Motion names the model may tag. */
  motions: z.array(z.string().regex(/^[a-z0-9_-]{1,32}$/)).default([...DEFAULT_MOTIONS]),
  /** Most tokens of past dialogue sent with each request (oldest turns dropped first). */
  history_token_budget: z.number().int().min(0).max(200_000).default(1500),
} as const;
