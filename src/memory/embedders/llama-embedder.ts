import { existsSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../core/errors.ts';
import { ggufHeaderProblem } from '../../models/gguf-header.ts';
import { normalize, type Embedder } from './embedder.ts';

interface EmbeddingContextLike {
  getEmbeddingFor(text: string): Promise<{ vector: readonly number[] }>;
  dispose(): Promise<void>;
}
interface ModelLike {
  createEmbeddingContext(opts?: { threads?: number }): Promise<EmbeddingContextLike>;
  dispose(): Promise<void>;
}

/** A GGUF embedding model (bge-small, nomic-embed...) run in process by node-llama-cpp. */
export class LlamaEmbedder implements Embedder {
  readonly id: string;
  private dims = 0;
  private model: ModelLike | undefined;
  private context: EmbeddingContextLike | undefined;
  private readonly modelPath: string;

  constructor(modelFile: string, modelsDir: string, private readonly threads = 1) {
    this.modelPath = path.isAbsolute(modelFile) ? modelFile : path.join(modelsDir, modelFile);
    this.id = `llama:${path.basename(modelFile)}`;
  }

  get dimensions(): number {
    return this.dims;
  }

  async init(): Promise<void> {
    if (!this.modelPath.endsWith('.gguf') || !existsSync(this.modelPath)) {
      throw new EngineError('MODEL_MISSING', `embedding model not found: ${this.modelPath} (put a GGUF embedding model there or use memory.embedder.type: hashed)`);
    }
    const problem = ggufHeaderProblem(this.modelPath);
    if (problem) throw new EngineError('MODEL_MISSING', `embedding model ${this.modelPath} is not a usable GGUF file: ${problem}`);
    const { getLlama } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false });
    this.model = (await llama.loadModel({ modelPath: this.modelPath })) as unknown as ModelLike;
    this.context = await this.model.createEmbeddingContext({ threads: this.threads });
    const probe = await this.context.getEmbeddingFor('dimension probe');
    this.dims = probe.vector.length;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const ctx = this.context;
    if (!ctx) throw new EngineError('STAGE_UNAVAILABLE', 'embedding model is not loaded');
    const out: number[][] = [];
    for (const t of texts) {
      signal?.throwIfAborted();
      const e = await ctx.getEmbeddingFor(t);
      out.push(normalize([...e.vector]));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    await this.model?.dispose();
    this.context = undefined;
    this.model = undefined;
  }
}
