import type { CharacterConfig } from '../../config-schema.ts';
import { INPUT_KINDS, inputFields, type InputItem } from '../../core/input.ts';
import { promptStrings } from './prompt-strings.ts';

export interface RenderedInput {
  /** What the model sees as the newest user message. */
  content: string;
  /** False for inputs that are instructions, not something a person said (proactive speech). */
  store: boolean;
}

/** Fills `{key}` from the input (user, text) and its kind's fields; unknown keys become empty. */
export function fillTemplate(template: string, values: Readonly<Record<string, unknown>>, noMessage = '(no message)'): string {
  return template
    .replace(/\{([a-z_]+)\}/gi, (_m, key: string) => {
      const v = values[key];
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    })
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/""|«»|„“/g, noMessage)
    .trim();
}

/** Turns an input into the user message for the model, using the character's event templates. */
export function renderInput(input: InputItem, character: CharacterConfig): RenderedInput {
  const t = character.event_templates;
  const strings = promptStrings(character.language);
  const fields = inputFields(input);
  // `{text}` is what the viewer said. An event's `text` is an English description for logs and
  // memory ("Mo donated 5 USD. They said: …"); its own words are the `message` field.
  const said = 'message' in INPUT_KINDS[input.kind].fields.shape ? (typeof fields.message === 'string' ? fields.message : '') : input.text;
  const values = { ...fields, user: input.user.displayName, text: said };
  const fill = (template: string): string => fillTemplate(template, values, strings.noMessage);
  switch (input.kind) {
    case 'voice':
    case 'text':
      return { content: input.text, store: true };
    case 'chat':
      return { content: fill(t.chat), store: true };
    case 'first_chat':
      return { content: fill(t.first_chat), store: true };
    case 'chat_batch':
      return { content: fill(t.chat_batch), store: true };
    case 'donation':
    case 'super_chat':
    case 'membership':
    case 'cheer':
    case 'sub':
    case 'resub':
    case 'gift':
    case 'raid':
    case 'follow':
    case 'redemption':
      return { content: `[event] ${fill(t[input.kind])}`, store: true };
    case 'win':
    case 'loss': {
      const about = [input.game, input.detail, input.text].map((v) => v?.trim()).filter(Boolean).join(' — ') || strings.noDetails;
      return { content: `[event] ${fillTemplate(t[input.kind], { ...values, about }, strings.noMessage)}`, store: true };
    }
    case 'proactive':
      return { content: `${strings.silenceMarker} ${fill(t.proactive)}`, store: false };
    case 'system':
      return { content: `[instruction] ${input.text}`, store: true };
  }
}
