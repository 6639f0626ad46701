import { ChromaClient, type Collection, type Metadata, type Where } from 'chromadb';
import type { Logger } from 'pino';
import { EngineError } from '../core/errors.ts';
import type { Embedder } from './embedders/embedder.ts';
import { fromChromaMetadata, toChromaMetadata, type MemoryItem, type MemoryScope } from './memory-item.ts';

export interface ScoredItem extends MemoryItem {
  /** Cosine similarity 0..1. */
  similarity: number;
}

/** Rolling timings (ms) of the last operations, for /admin/status. */
export class OpTimings {
  private readonly values: number[] = [];
  count = 0;
  constructor(private readonly size = 200) {}
  add(ms: number): void {
    this.values.push(ms);
    this.count++;
    if (this.values.length > this.size) this.values.shift();
  }
  summary(): { count: number; p50_ms: number | null; p95_ms: number | null } {
    if (this.values.length === 0) return { count: this.count, p50_ms: null, p95_ms: null };
    const s = [...this.values].sort((a, b) => a - b);
    const at = (p: number): number => Math.round((s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] as number) * 100) / 100;
    return { count: this.count, p50_ms: at(0.5), p95_ms: at(0.95) };
  }
}

const PAGE = 1000;

/**
 * The memory's text is stored as a metadata value, not as a Chroma document: Chroma indexes every
 * document for full-text search (FTS5 trigrams), which we never use and which was a quarter of its
 * CPU time per write (benchmarks/memory-import). Items written by older builds keep their text in
 * the document, so reads take the metadata value first and fall back to the document.
 */
const TEXT_KEY = 'text';

function stored(item: MemoryItem): Metadata {
  return { ...toChromaMetadata(item.metadata), [TEXT_KEY]: item.text };
}

function textOf(doc: string | null | undefined, meta: Record<string, unknown> | null | undefined): string {
  const t = meta?.[TEXT_KEY];
  return typeof t === 'string' ? t : (doc ?? '');
}

/**
 * Direct access to the two Chroma collections (long-term and session). Vectors always come from
 * our embedder; the embedder id is stored in each collection's metadata and checked on open.
 * Every call throws when Chroma is unreachable; the memory service decides what to queue.
 */
export class ChromaStore {
  private client: ChromaClient | undefined;
  private readonly collections = new Map<MemoryScope, Collection>();
  readonly upserts = new OpTimings();
  readonly queries = new OpTimings();

  constructor(
    private readonly prefix: string,
    private readonly embedder: Embedder,
    private readonly log: Logger,
  ) {}

  collectionName(scope: MemoryScope): string {
    return `${this.prefix}_${scope}`;
  }

  /** (Re)connects to `url` and opens both collections, checking the embedder. */
  async open(url: string, onChange: 'reembed' | 'refuse'): Promise<void> {
    const u = new URL(url);
    this.client = new ChromaClient({ host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), ssl: u.protocol === 'https:' });
    this.collections.clear();
    for (const scope of ['long', 'session'] as const) this.collections.set(scope, await this.openCollection(scope, onChange));
  }

  private async openCollection(scope: MemoryScope, onChange: 'reembed' | 'refuse'): Promise<Collection> {
    const client = this.requireClient();
    const name = this.collectionName(scope);
    const want = { embedder: this.embedder.id, dimensions: this.embedder.dimensions, 'hnsw:space': 'cosine' };
    const col = await client.getOrCreateCollection({ name, metadata: want, embeddingFunction: null });
    const have = col.metadata?.embedder;
    if (have === this.embedder.id) return col;
    const count = await col.count();
    if (count === 0) {
      await col.modify({ metadata: want });
      return col;
    }
    // A new version of the built-in hashed embedder is a local, lossless upgrade (same texts, new
    // vectors in milliseconds), not a change of model the user must approve.
    if (onChange === 'refuse' && !isHashedUpgrade(String(have), this.embedder.id)) {
      throw new EngineError(
        'CONFIG_INVALID',
        `collection ${name} holds ${count} memories embedded by "${String(have)}", but memory.embedder is now "${this.embedder.id}". ` +
          'Set memory.embedder.on_change: reembed to re-embed them, or switch the embedder back.',
      );
    }
    return this.reembed(col, scope, count);
  }

  /** Copies every item into a fresh collection with new vectors, then swaps names. Old vectors are never mixed in. */
  private async reembed(old: Collection, scope: MemoryScope, count: number): Promise<Collection> {
    const client = this.requireClient();
    const name = this.collectionName(scope);
    const tmpName = `${name}__reembed`;
    await client.deleteCollection({ name: tmpName }).catch(() => undefined);
    const fresh = await client.createCollection({ name: tmpName, metadata: { embedder: this.embedder.id, dimensions: this.embedder.dimensions, 'hnsw:space': 'cosine' }, embeddingFunction: null });
    this.log.warn({ event: 'memory.reembed_started', collection: name, count, from: old.metadata?.embedder, to: this.embedder.id }, 're-embedding memories');
    for (let offset = 0; offset < count; offset += PAGE) {
      const page = await old.get({ limit: PAGE, offset, include: ['documents', 'metadatas'] as never });
      const texts = page.ids.map((_, i) => textOf(page.documents[i], page.metadatas[i]));
      if (texts.length === 0) break;
      const metadatas = page.metadatas.map((m, i) => ({ ...(m ?? {}), [TEXT_KEY]: texts[i] as string }));
      await fresh.upsert({ ids: page.ids, metadatas, embeddings: await this.embedder.embed(texts) });
    }
    await client.deleteCollection({ name });
    await fresh.modify({ name });
    this.log.warn({ event: 'memory.reembed_done', collection: name, count }, 're-embedded memories');
    return client.getCollection({ name });
  }

  private requireClient(): ChromaClient {
    if (!this.client) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is not connected');
    return this.client;
  }

  private col(scope: MemoryScope): Collection {
    const c = this.collections.get(scope);
    if (!c) throw new EngineError('STAGE_UNAVAILABLE', 'chroma is not connected');
    return c;
  }

  /** Items with their stored vectors (for the recall cache). */
  async getWithVectors(scope: MemoryScope, where: Where, limit: number): Promise<Array<MemoryItem & { vector: number[] }>> {
    const res = await this.col(scope).get({ where, limit, include: ['documents', 'metadatas', 'embeddings'] as never });
    return res.ids.map((id, i) => ({
      id,
      text: textOf(res.documents[i], res.metadatas[i]),
      metadata: fromChromaMetadata(res.metadatas[i] as Record<string, unknown> | null),
      vector: Array.from((res.embeddings[i] ?? []) as ArrayLike<number>),
    }));
  }

  /** Writes items; returns the vectors it computed, by id. */
  async upsert(items: readonly MemoryItem[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const scope of ['long', 'session'] as const) {
      const batch = items.filter((i) => i.metadata.scope === scope);
      for (let i = 0; i < batch.length; i += PAGE) {
        const part = batch.slice(i, i + PAGE);
        const vectors = await this.embedder.embed(part.map((p) => p.text));
        part.forEach((p, k) => out.set(p.id, vectors[k] as number[]));
        const t0 = performance.now();
        await this.col(scope).upsert({ ids: part.map((p) => p.id), metadatas: part.map(stored), embeddings: vectors });
        this.upserts.add(performance.now() - t0);
      }
    }
    return out;
  }

  /** Nearest neighbours of a vector in one collection. */
  async query(scope: MemoryScope, vector: number[], n: number, where?: Where): Promise<ScoredItem[]> {
    const t0 = performance.now();
    const res = await this.col(scope).query({ queryEmbeddings: [vector], nResults: n, ...(where ? { where } : {}), include: ['documents', 'metadatas', 'distances'] as never });
    this.queries.add(performance.now() - t0);
    const ids = res.ids[0] ?? [];
    return ids.map((id, i) => ({
      id,
      text: textOf(res.documents[0]?.[i], res.metadatas[0]?.[i]),
      metadata: fromChromaMetadata(res.metadatas[0]?.[i] as Record<string, unknown> | null),
      similarity: 1 - (res.distances[0]?.[i] ?? 1),
    }));
  }

  async get(scope: MemoryScope, opts: { ids?: string[]; where?: Where; limit?: number; offset?: number }): Promise<MemoryItem[]> {
    const res = await this.col(scope).get({ ...opts, include: ['documents', 'metadatas'] as never });
    return res.ids.map((id, i) => ({ id, text: textOf(res.documents[i], res.metadatas[i]), metadata: fromChromaMetadata(res.metadatas[i] as Record<string, unknown> | null) }));
  }

  /** Every item of a collection matching `where`, page by page (bounded by `max`). */
  async all(scope: MemoryScope, where?: Where, max = 1_000_000): Promise<MemoryItem[]> {
    const out: MemoryItem[] = [];
    for (let offset = 0; offset < max; offset += PAGE) {
      const page = await this.get(scope, { ...(where ? { where } : {}), limit: Math.min(PAGE, max - offset), offset });
      out.push(...page);
      if (page.length < PAGE) break;
    }
    return out;
  }

  /** Rewrites items' metadata (and stored text) in place; vectors stay. */
  async updateMetadata(scope: MemoryScope, items: readonly MemoryItem[]): Promise<void> {
    for (let i = 0; i < items.length; i += PAGE) {
      const part = items.slice(i, i + PAGE);
      await this.col(scope).update({ ids: part.map((p) => p.id), metadatas: part.map(stored) });
    }
  }

  async delete(scope: MemoryScope, opts: { ids?: string[]; where?: Where }): Promise<void> {
    if (opts.ids && opts.ids.length === 0) return;
    await this.col(scope).delete(opts);
  }

  async count(scope: MemoryScope): Promise<number> {
    return this.col(scope).count();
  }

  /** Drops both collections (used by tests and by "forget everything"). */
  async clear(): Promise<void> {
    for (const scope of ['long', 'session'] as const) {
      await this.col(scope).delete({ where: { scope } as Metadata as Where });
    }
  }
}

/** `hashed-ngram-v1:384` → `hashed-ngram-v2:384`: the same built-in embedder, a newer version, same size. */
export function isHashedUpgrade(from: string, to: string): boolean {
  const re = /^hashed-ngram-v(\d+):(\d+)$/;
  const a = re.exec(from);
  const b = re.exec(to);
  return Boolean(a && b && a[2] === b[2] && Number(a[1]) < Number(b[1]));
}
