import { z } from 'zod';
import { INPUT_KINDS, inputFields as kindFields, type InputItem, type InputKind } from '../../src/core/input.ts';

/**
 * The `{field}` names a text action's template may use, per trigger source. Checked at startup
 * against each rule, so a typo is a config error naming the rule, not an empty subtitle mid-show.
 */
export const SEGMENT_FIELDS = ['text', 'emotion'] as const;
export const STAGE_FIELDS = ['cue'] as const;
export const REDEMPTION_FIELDS = ['reward', 'user', 'message', 'cost'] as const;
const INPUT_BASE_FIELDS = ['text', 'user', 'kind'] as const;

/** A kind's own fields that read well in a text (strings, numbers, flags; not lists). */
function scalarFields(kind: InputKind): string[] {
  const shape = INPUT_KINDS[kind].fields.shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .filter(([, type]) => {
      let t: z.ZodType = type;
      while (t instanceof z.ZodOptional) t = t.unwrap() as z.ZodType;
      return t instanceof z.ZodString || t instanceof z.ZodNumber || t instanceof z.ZodBoolean;
    })
    .map(([name]) => name);
}

/** The template fields inputs of these kinds carry: text, user, kind and each kind's own (from the input table). */
export function inputFields(kinds: readonly InputKind[]): string[] {
  return [...new Set([...INPUT_BASE_FIELDS, ...kinds.flatMap(scalarFields)])];
}

/** Template variables of one input: the base fields plus its kind's own (missing ones left out). */
export function inputVars(item: InputItem): Record<string, string> {
  const vars: Record<string, string> = { text: item.text, user: item.user.displayName, kind: item.kind };
  for (const [field, value] of Object.entries(kindFields(item))) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') vars[field] = String(value);
  }
  return vars;
}

/** The `{name}` fields a template uses. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/gi)].map((m) => m[1] ?? '');
}
