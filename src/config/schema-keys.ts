import type { z } from 'zod';

interface DefLike {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): DefLike {
  return (schema as unknown as { _zod: { def: DefLike } })._zod.def;
}

/** Unwraps default/prefault/optional/nullable/readonly/pipe wrappers down to the core schema. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let cur = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(cur);
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(def.type)) cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else break;
  }
  return cur;
}

/**
 * Every key path of the nested object schemas (e.g. `server.ws.max_message_bytes`). Records,
 * arrays and unions are leaves: their keys are user data, not schema keys.
 */
export function schemaKeyPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const core = unwrapSchema(schema);
  const def = defOf(core);
  if (def.type !== 'object' || !def.shape) return [];
  const out: string[][] = [];
  for (const [key, child] of Object.entries(def.shape)) {
    const path = [...prefix, key];
    out.push(path);
    out.push(...schemaKeyPaths(child, path));
  }
  return out;
}
