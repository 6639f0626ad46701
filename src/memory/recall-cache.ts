import type { MemoryItem, MemoryScope } from './memory-item.ts';

export interface CachedItem extends MemoryItem {
  vector: number[];
}

interface Entry {
  items: Map<string, CachedItem>;
  loadedAt: number;
}

export interface RecallCacheOptions {
  /** Viewers kept (least recently used are dropped). */
  maxUsers: number;
  /** A viewer (or the general set) with more items than this is not cached; recall asks Chroma. */
  maxItemsPerUser: number;
  /** Entries older than this are reloaded (another writer may share a remote Chroma). */
  ttlMs: number;
}

/**
 * The speaker's memories (and the general ones) with their vectors, in process. Chroma stays the
 * store of record; this only spares the hot path a metadata-filtered Chroma query, whose cost
 * grows with the collection. Entries are filled on first use or by a prefetch when an input is
 * queued, updated by every write this process makes, and expire after `ttlMs`.
 * The key '' holds the general (not per-viewer) memories.
 */
export class RecallCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(private readonly opts: RecallCacheOptions) {}

  get(userId: string, now = Date.now()): CachedItem[] | undefined {
    const e = this.entries.get(userId);
    if (!e || now - e.loadedAt > this.opts.ttlMs) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(userId);
    this.entries.set(userId, e);
    this.hits++;
    return [...e.items.values()];
  }

  /** Stores a freshly loaded set; returns false (and caches nothing) when it is too large. */
  set(userId: string, items: readonly CachedItem[], now = Date.now()): boolean {
    if (items.length > this.opts.maxItemsPerUser) {
      this.entries.delete(userId);
      return false;
    }
    this.entries.delete(userId);
    this.entries.set(userId, { items: new Map(items.map((i) => [i.id, i])), loadedAt: now });
    while (this.entries.size > this.opts.maxUsers) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return true;
  }

  /** Applies a write made by this process to the cached entry of its viewer, if any. */
  upsert(item: CachedItem): void {
    for (const e of this.entries.values()) e.items.delete(item.id);
    const e = this.entries.get(item.metadata.user_id);
    if (!e) return;
    e.items.set(item.id, item);
    if (e.items.size > this.opts.maxItemsPerUser) this.entries.delete(item.metadata.user_id);
  }

  remove(ids: readonly string[]): void {
    for (const e of this.entries.values()) for (const id of ids) e.items.delete(id);
  }

  dropUser(userId: string): void {
    this.entries.delete(userId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Cosine similarity of unit vectors. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

export const SCOPES: readonly MemoryScope[] = ['long', 'session'];
