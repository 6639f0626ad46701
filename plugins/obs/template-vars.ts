import type { InputItem, InputKind } from '../../src/core/input.ts';

/**
 * The `{field}` names a text action's template may use, per trigger source. Checked at startup
 * against each rule, so a typo is a config error naming the rule, not an empty subtitle mid-show.
 */
export const SEGMENT_FIELDS = ['text', 'emotion'] as const;
export const STAGE_FIELDS = ['cue'] as const;
const INPUT_BASE_FIELDS = ['text', 'user', 'kind'] as const;

/** Fields an input of each kind carries besides text, user and kind. */
export const INPUT_KIND_FIELDS: Readonly<Partial<Record<InputKind, readonly string[]>>> = {
  donation: ['amount', 'currency', 'message'],
  cheer: ['bits', 'message'],
  sub: ['tier', 'months', 'message'],
  resub: ['tier', 'months', 'message'],
  gift: ['count', 'tier'],
  raid: ['viewers'],
  chat_batch: ['count', 'viewers', 'topic'],
};

export function inputFields(kinds: readonly InputKind[]): string[] {
  return [...new Set([...INPUT_BASE_FIELDS, ...kinds.flatMap((k) => INPUT_KIND_FIELDS[k] ?? [])])];
}

/** Template variables of one input: the base fields plus its kind's own (missing ones left out). */
export function inputVars(item: InputItem): Record<string, string> {
  const vars: Record<string, string> = { text: item.text, user: item.user.displayName, kind: item.kind };
  const meta = item.meta ?? {};
  for (const field of INPUT_KIND_FIELDS[item.kind] ?? []) {
    const value = meta[field];
    if (typeof value === 'string' || typeof value === 'number') vars[field] = String(value);
  }
  return vars;
}

/** The `{name}` fields a template uses. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] ?? '');
}
