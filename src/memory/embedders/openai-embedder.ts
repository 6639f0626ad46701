import { EngineError } from '../../core/errors.ts';
import { normalize, type Embedder } from './embedder.ts';

export interface OpenAiEmbedderOptions {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** OpenAI-compatible `POST /v1/embeddings` (Ollama, llama.cpp server, vLLM, LM Studio, OpenAI). */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  private dims = 0;

  constructor(private readonly opts: OpenAiEmbedderOptions) {
    this.id = `openai:${opts.model}@${opts.url.replace(/\/+$/, '')}`;
  }

  get dimensions(): number {
    return this.dims;
  }

  async init(signal?: AbortSignal): Promise<void> {
    const [probe] = await this.embed(['dimension probe'], signal);
    this.dims = probe?.length ?? 0;
    if (this.dims === 0) throw new EngineError('UPSTREAM_ERROR', 'embedding server returned an empty vector');
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    const url = `${this.opts.url.replace(/\/+$/, '')}/embeddings`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}) },
        body: JSON.stringify({ model: this.opts.model, input: texts }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new EngineError('UPSTREAM_UNREACHABLE', `embedding server ${url} unreachable: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok) throw new EngineError('UPSTREAM_ERROR', `embedding server answered ${res.status}`);
    const body = (await res.json()) as { data?: Array<{ index?: number; embedding?: unknown }> };
    const rows = Array.isArray(body.data) ? [...body.data] : [];
    rows.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (rows.length !== texts.length) throw new EngineError('UPSTREAM_ERROR', `embedding server returned ${rows.length} vectors for ${texts.length} texts`);
    return rows.map((r) => {
      if (!Array.isArray(r.embedding) || !r.embedding.every((v) => typeof v === 'number')) throw new EngineError('UPSTREAM_ERROR', 'embedding is not a number array');
      return normalize(r.embedding as number[]);
    });
  }

  async dispose(): Promise<void> {
    // Stateless HTTP.
  }
}
