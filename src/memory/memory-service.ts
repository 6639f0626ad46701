import { randomUUID } from 'node:crypto';
import type { Where } from 'chromadb';
import type { Logger } from 'pino';
import { EngineError } from '../core/errors.ts';
import type { InputItem } from '../core/input.ts';
import type { ChromaStore, ScoredItem } from './chroma-store.ts';
import type { Embedder } from './embedders/embedder.ts';
import type { MemoryConfig } from './memory-config.ts';
import type { MemoryDb, OutboxOp, OutboxRow } from './memory-db.ts';
import { type MemoryItem, type MemoryKind, type MemoryScope } from './memory-item.ts';
import { dot, RecallCache, SCOPES, type CachedItem } from './recall-cache.ts';

export interface SearchFilter {
  user?: string;
  /** A character's memories only (the admin routes default to the active one). */
  character?: string;
  kind?: MemoryKind;
  scope?: MemoryScope;
  source?: string;
}

export interface RankedItem extends ScoredItem {
  score: number;
}

const FLUSH_BATCH = 20;
/** Items per outbox row: a long import lands (and shows progress) a row at a time. */
const OUTBOX_CHUNK = 1000;
/** Upsert rows written to Chroma at once (when their ids are disjoint, so order cannot matter). */
const PARALLEL_UPSERTS = 2;
/** A viewer with more memories than this is recalled through Chroma instead of the cache. */
const CACHE_MAX_ITEMS = 2000;

/**
 * The memory facade every caller uses. Writes go to the SQLite outbox first and are flushed to
 * Chroma while it is healthy, so a Chroma crash loses nothing. Reads go straight to Chroma and
 * fail fast when it is down.
 */
export class MemoryService {
  private flushing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly embedTimings: number[] = [];
  readonly cache = new RecallCache({ maxUsers: 500, maxItemsPerUser: CACHE_MAX_ITEMS, ttlMs: 5 * 60_000 });
  private readonly loads = new Map<string, Promise<CachedItem[] | undefined>>();
  private writeGeneration = 0;
  private importing: { total: number; stored: number } | undefined;

  constructor(
    readonly cfg: MemoryConfig,
    readonly db: MemoryDb,
    readonly store: ChromaStore,
    readonly embedder: Embedder,
    private readonly isUp: () => boolean,
    private readonly log: Logger,
  ) {}

  /** The character whose memories are recalled and written now (the database's active one). */
  get character(): string {
    return this.db.character;
  }

  /** A runtime character switch: later recalls see only `name`'s memories, later writes are `name`'s. */
  setCharacter(name: string): void {
    this.db.character = name;
  }

  /** Items without a character are the active character's. */
  private stamp(items: readonly MemoryItem[]): MemoryItem[] {
    return items.map((it) => (it.metadata.character ? it : { ...it, metadata: { ...it.metadata, character: this.character } }));
  }

  get available(): boolean {
    return this.isUp();
  }

  get sessionTtlMs(): number {
    return this.cfg.session.ttl_minutes * 60_000;
  }

  /** Queues items (all or none). Throws QUEUE_FULL when the outbox is at its bound. */
  write(items: readonly MemoryItem[]): void {
    if (items.length === 0) return;
    const stamped = this.stamp(items);
    const ops: OutboxOp[] = [];
    for (let i = 0; i < items.length; i += OUTBOX_CHUNK) ops.push({ op: 'upsert', items: stamped.slice(i, i + OUTBOX_CHUNK) });
    this.enqueue(ops, items.length);
  }

  /** An admin import of `total` items starts: its progress shows in /admin/status until `endImport`. */
  beginImport(total: number): void {
    this.importing = { total, stored: 0 };
  }

  endImport(): void {
    this.importing = undefined;
  }

  /** `stored/total` of the running import, if any. */
  importProgress(): string | undefined {
    return this.importing ? `${Math.min(this.importing.stored, this.importing.total)}/${this.importing.total}` : undefined;
  }

  remove(ids: readonly string[]): void {
    if (ids.length > 0) this.enqueue([{ op: 'delete', ids: [...ids] }], ids.length);
  }

  /** Forgets every memory about a viewer (for every character), queued ones included, and their core blocks. */
  forgetUser(userId: string): void {
    this.db.dropUser(userId);
    this.db.deleteBlockEverywhere('viewer', userId);
    this.cache.dropUser(userId);
    this.enqueue([{ op: 'delete_user', userId }], 1);
    this.db.audit('admin', 'memory.forget_user', userId, {});
    this.log.info({ event: 'memory.forget_user', user: userId }, 'forgot every memory of a viewer');
  }

  private enqueue(ops: OutboxOp[], size: number): void {
    const pending = this.db.pendingItems();
    if (pending + size > this.cfg.outbox.max_items) {
      throw new EngineError('QUEUE_FULL', `memory outbox is full (${pending} waiting, limit memory.outbox.max_items=${this.cfg.outbox.max_items})`);
    }
    this.db.enqueue(ops);
    void this.flush();
  }

  /** Pushes queued writes to Chroma; resolves when the outbox is empty or Chroma failed. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Waits until the outbox is empty (or the timeout passes). */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.db.pendingItems() === 0 && !this.flushing) return true;
      await this.flush();
      if (this.db.pendingItems() === 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.db.pendingItems() === 0;
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.isUp()) {
      const rows = this.db.peek(FLUSH_BATCH);
      if (rows.length === 0) return;
      for (let i = 0; i < rows.length; ) {
        const group = parallelUpserts(rows, i, PARALLEL_UPSERTS);
        const results = await Promise.allSettled(group.map((row) => this.apply(row.op)));
        // Rows are acked in order, up to the first failure; the rest are written again on retry (upserts are idempotent).
        for (const [k, r] of results.entries()) {
          const row = group[k] as OutboxRow;
          if (r.status === 'rejected') {
            this.log.warn({ event: 'memory.flush_failed', seq: row.seq, err: r.reason as unknown }, 'memory write failed; will retry');
            this.scheduleRetry();
            return;
          }
          this.db.ack(row.seq);
          if (this.importing && row.op.op === 'upsert') this.importing.stored += row.op.items.length;
        }
        i += group.length;
      }
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.cfg.outbox.retry_ms);
    this.retryTimer.unref();
  }

  private async apply(op: OutboxOp): Promise<void> {
    this.writeGeneration++;
    try {
      await this.applyOp(op);
    } finally {
      this.writeGeneration++;
    }
  }

  private async applyOp(op: OutboxOp): Promise<void> {
    if (op.op === 'upsert') {
      const t0 = performance.now();
      const vectors = await this.store.upsert(op.items);
      for (const it of op.items) {
        const vector = vectors.get(it.id);
        if (vector) this.cache.upsert({ ...it, vector });
      }
      this.log.debug({ event: 'memory.upserted', count: op.items.length, ms: Math.round(performance.now() - t0) }, 'memories written');
      return;
    }
    if (op.op === 'delete') this.cache.remove(op.ids);
    else this.cache.dropUser(op.userId);
    const target = op.op === 'delete' ? { ids: op.ids } : { where: { user_id: op.userId } as Where };
    await this.store.delete('long', target);
    await this.store.delete('session', target);
  }

  private async embedOne(text: string): Promise<number[]> {
    const t0 = performance.now();
    const [v] = await this.embedder.embed([text]);
    this.embedTimings.push(performance.now() - t0);
    if (this.embedTimings.length > 200) this.embedTimings.shift();
    if (!v) throw new EngineError('INTERNAL', 'embedder returned no vector');
    return v;
  }

  /** Top-k by similarity over both collections, re-ranked by importance and recency. */
  async rank(query: string, k: number, filter: Where | undefined, scopes: readonly MemoryScope[] = ['long', 'session'], minSimilarity = 0): Promise<RankedItem[]> {
    if (!this.isUp()) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is down');
    const vector = await this.embedOne(query);
    const n = Math.max(k, this.cfg.recall.candidates);
    const results = await Promise.all(scopes.map((s) => this.store.query(s, vector, n, filter)));
    return this.rerank(results.flat(), k, minSimilarity);
  }

  /** Re-ranks candidates by similarity, importance and recency; drops expired and dissimilar ones. */
  private rerank(candidates: ScoredItem[], k: number, minSimilarity: number): RankedItem[] {
    const now = Date.now();
    const r = this.cfg.recall;
    const total = r.weight_similarity + r.weight_importance + r.weight_recency || 1;
    return candidates
      .filter((c) => c.similarity >= minSimilarity && (c.metadata.expires_at === 0 || c.metadata.expires_at > now))
      .map((c) => {
        const ageDays = Math.max(0, now - c.metadata.created_at) / 86_400_000;
        const recency = 0.5 ** (ageDays / r.recency_half_life_days);
        const score = (r.weight_similarity * c.similarity + r.weight_importance * c.metadata.importance + r.weight_recency * recency) / total;
        return { ...c, score };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }

  /** Loads (or returns cached) memories of one viewer ('' = general) with vectors, both scopes. */
  async cachedFor(userId: string): Promise<CachedItem[] | undefined> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    let loading = this.loads.get(userId);
    if (!loading) {
      const generation = this.writeGeneration;
      loading = Promise.all(SCOPES.map((s) => this.store.getWithVectors(s, { user_id: userId }, CACHE_MAX_ITEMS + 1)))
        .then((parts) => {
          const items = parts.flat();
          // A write that landed while loading may be missing from this snapshot: use it once, don't keep it.
          if (generation !== this.writeGeneration) return items.length > CACHE_MAX_ITEMS ? undefined : items;
          return this.cache.set(userId, items) ? items : undefined;
        })
        .finally(() => this.loads.delete(userId));
      this.loads.set(userId, loading);
    }
    return loading;
  }

  /** Warms the cache for a viewer whose input was just queued, so their turn's recall is local. */
  prefetch(userId: string): void {
    if (!this.isUp()) return;
    void this.cachedFor(userId).catch(() => undefined);
    void this.cachedFor('').catch(() => undefined);
  }

  /**
   * Memories for the prompt of `input`'s speaker: theirs and general ones, never another viewer's.
   * Served from the recall cache (exact cosine over the speaker's items) when it holds them;
   * otherwise a filtered Chroma query.
   */
  async recall(input: InputItem): Promise<RankedItem[]> {
    if (!this.isUp()) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is down');
    const [mine, general] = await Promise.all([this.cachedFor(input.user.id), this.cachedFor('')]);
    const character = this.character;
    if (mine && general) {
      const vector = await this.embedOne(input.text);
      const scored = [...mine, ...general].filter((c) => c.metadata.character === character).map((c) => ({ id: c.id, text: c.text, metadata: c.metadata, similarity: dot(vector, c.vector) }));
      return this.rerank(scored, this.cfg.recall.top_k, this.cfg.recall.min_similarity);
    }
    // One $in lookup is cheaper in Chroma than an $or of two equalities.
    const where: Where = { $and: [{ user_id: { $in: [input.user.id, ''] } }, { character }] };
    return this.rank(input.text, this.cfg.recall.top_k, where, ['long', 'session'], this.cfg.recall.min_similarity);
  }

  async search(q: string, k: number, filter: SearchFilter): Promise<Array<MemoryItem & { similarity?: number; score?: number }>> {
    const where = whereOf(filter);
    const scopes = filter.scope ? [filter.scope] : (['long', 'session'] as const);
    if (q.trim()) return this.rank(q, k, where, scopes);
    if (!this.isUp()) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is down');
    const out: MemoryItem[] = [];
    for (const s of scopes) out.push(...(await this.store.get(s, { ...(where ? { where } : {}), limit: k })));
    return out.sort((a, b) => b.metadata.created_at - a.metadata.created_at).slice(0, k);
  }

  async list(filter: SearchFilter): Promise<MemoryItem[]> {
    if (!this.isUp()) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is down');
    const where = whereOf(filter);
    const scopes = filter.scope ? [filter.scope] : (['long', 'session'] as const);
    const out: MemoryItem[] = [];
    for (const s of scopes) out.push(...(await this.store.all(s, where)));
    return out.sort((a, b) => a.metadata.created_at - b.metadata.created_at || a.id.localeCompare(b.id));
  }

  async getById(id: string): Promise<MemoryItem | undefined> {
    if (!this.isUp()) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is down');
    for (const s of ['long', 'session'] as const) {
      const [hit] = await this.store.get(s, { ids: [id] });
      if (hit) return hit;
    }
    return undefined;
  }

  /** Replaces an item (moving it between collections when its scope changes). */
  replace(item: MemoryItem, previous: MemoryItem): void {
    const ops: OutboxOp[] = [];
    if (previous.metadata.scope !== item.metadata.scope) ops.push({ op: 'delete', ids: [item.id] });
    ops.push({ op: 'upsert', items: this.stamp([item]) });
    this.enqueue(ops, ops.length);
  }

  /**
   * Memories stored before they were per character have none: they become the legacy character's
   * (the one active when this build first opened memory.sqlite). Runs once per store; returns how many.
   */
  async migrateCharacters(): Promise<number> {
    if (this.db.getMeta('chroma_characters_migrated') === '1') return 0;
    if (!this.isUp()) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is down');
    const owner = this.db.legacyCharacter;
    let n = 0;
    for (const scope of ['long', 'session'] as const) {
      const orphans = (await this.store.all(scope)).filter((it) => !it.metadata.character);
      await this.store.updateMetadata(scope, orphans.map((it) => ({ ...it, metadata: { ...it.metadata, character: owner } })));
      n += orphans.length;
    }
    this.db.setMeta('chroma_characters_migrated', '1');
    this.cache.clear();
    if (n > 0) this.log.info({ event: 'memory.characters_migrated', character: owner, count: n }, 'memories from before per-character memory given to the active character');
    return n;
  }

  async counts(): Promise<{ long: number; session: number }> {
    return { long: await this.store.count('long'), session: await this.store.count('session') };
  }

  newId(): string {
    return randomUUID();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }
}

export function whereOf(filter: SearchFilter): Where | undefined {
  const parts: Where[] = [];
  if (filter.user !== undefined) parts.push({ user_id: filter.user });
  if (filter.character !== undefined) parts.push({ character: filter.character });
  if (filter.kind) parts.push({ kind: filter.kind });
  if (filter.source) parts.push({ source: filter.source });
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { $and: parts };
}

/** From `rows[start]`: the upsert rows that can be written together (consecutive, ids disjoint), or that one row. */
function parallelUpserts(rows: readonly OutboxRow[], start: number, max: number): OutboxRow[] {
  const first = rows[start] as OutboxRow;
  if (first.op.op !== 'upsert') return [first];
  const ids = new Set(first.op.items.map((it) => it.id));
  const group = [first];
  for (let i = start + 1; i < rows.length && group.length < max; i++) {
    const row = rows[i] as OutboxRow;
    if (row.op.op !== 'upsert' || row.op.items.some((it) => ids.has(it.id))) break;
    for (const it of row.op.items) ids.add(it.id);
    group.push(row);
  }
  return group;
}
