import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { characterNameSchema } from '../config/character-name.ts';

export const MEMORY_KINDS = ['user', 'self', 'third_party', 'chat', 'emotions', 'objectives'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];
export type MemoryScope = 'long' | 'session';

export interface MemoryMetadata {
  kind: MemoryKind;
  scope: MemoryScope;
  /** 0..1 */
  importance: number;
  tags: string[];
  /** '' when none. */
  emotion: string;
  /** Stable platform id of the viewer this is about; '' when it is not about one viewer. */
  user_id: string;
  user_name: string;
  /** turn | import | admin | consolidation | seed:<character> ... */
  source: string;
  /**
   * The character whose memory this is (`characters/<name>.yaml`); recall only sees the active
   * character's. '' until the memory service stamps it on write.
   */
  character: string;
  /** Epoch ms. */
  created_at: number;
  updated_at: number;
  /** Epoch ms; session items only (0 = never). */
  expires_at: number;
}

export interface MemoryItem {
  id: string;
  text: string;
  metadata: MemoryMetadata;
}

const Timestamp = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** One item in an import file. Unknown metadata keys are errors so typos are caught. */
export const ImportItemSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : - (1–128)').optional(),
    text: z.string().trim().min(1, 'must not be empty'),
    metadata: z
      .object({
        kind: z.enum(MEMORY_KINDS).default('user'),
        scope: z.enum(['long', 'session']).default('long'),
        importance: z.number().min(0).max(1).default(0.5),
        tags: z.array(z.string().min(1).max(64).regex(/^[^,]+$/, 'no commas')).max(32).default([]),
        emotion: z.string().max(32).default(''),
        user_id: z.string().max(200).default(''),
        user_name: z.string().max(200).default(''),
        source: z.string().max(100).default('import'),
        /** The character it belongs to; default the active one. */
        character: characterNameSchema.optional(),
        created_at: Timestamp.optional(),
        updated_at: Timestamp.optional(),
        expires_at: Timestamp.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ImportItem = z.output<typeof ImportItemSchema>;

/** The metadata fields that import and export carry unchanged (timestamps differ in format). */
type Descriptive = 'kind' | 'scope' | 'importance' | 'tags' | 'emotion' | 'user_id' | 'user_name' | 'source' | 'character';
function descriptiveFields(m: Omit<Pick<MemoryMetadata, Descriptive>, 'character'> & { character?: string | undefined }): Pick<MemoryMetadata, Descriptive> {
  return { kind: m.kind, scope: m.scope, importance: m.importance, tags: m.tags, emotion: m.emotion, user_id: m.user_id, user_name: m.user_name, source: m.source, character: m.character ?? '' };
}

export function itemFromImport(raw: ImportItem, now: number, sessionTtlMs: number): MemoryItem {
  const m = raw.metadata;
  const created = m.created_at ?? now;
  return {
    id: raw.id ?? randomUUID(),
    text: raw.text,
    metadata: {
      ...descriptiveFields(m),
      created_at: created,
      updated_at: m.updated_at ?? created,
      expires_at: m.expires_at ?? (m.scope === 'session' ? created + sessionTtlMs : 0),
    },
  };
}

/** The export shape: the same as the import shape, with ids and ISO timestamps. */
export function itemToExport(item: MemoryItem): { id: string; text: string; metadata: Record<string, unknown> } {
  const m = item.metadata;
  return {
    id: item.id,
    text: item.text,
    metadata: {
      ...descriptiveFields(m),
      created_at: new Date(m.created_at).toISOString(),
      updated_at: new Date(m.updated_at).toISOString(),
      ...(m.expires_at ? { expires_at: new Date(m.expires_at).toISOString() } : {}),
    },
  };
}

/** Chroma metadata values are scalars: tags are stored comma-joined. */
export function toChromaMetadata(m: MemoryMetadata): Record<string, string | number> {
  return { ...m, tags: m.tags.join(',') };
}

export function fromChromaMetadata(raw: Record<string, unknown> | null | undefined): MemoryMetadata {
  const r = raw ?? {};
  const str = (k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : '');
  const num = (k: string): number => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  const kind = str('kind');
  return {
    kind: (MEMORY_KINDS as readonly string[]).includes(kind) ? (kind as MemoryKind) : 'chat',
    scope: str('scope') === 'session' ? 'session' : 'long',
    importance: num('importance'),
    tags: str('tags') ? str('tags').split(',') : [],
    emotion: str('emotion'),
    user_id: str('user_id'),
    user_name: str('user_name'),
    source: str('source'),
    character: str('character'),
    created_at: num('created_at'),
    updated_at: num('updated_at'),
    expires_at: num('expires_at'),
  };
}
