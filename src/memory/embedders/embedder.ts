/**
 * Turns texts into vectors. Every embedder has a stable `id` (type, model, size) that is stored
 * with each collection, so vectors from two embedders are never mixed in one index.
 */
export interface Embedder {
  /** e.g. `hashed-ngram-v2:384`, `llama:bge-small-en-v1.5-q8_0.gguf`, `openai:nomic-embed-text@http://…` */
  readonly id: string;
  /** Vector size, known after `init()`. */
  readonly dimensions: number;
  init(signal?: AbortSignal): Promise<void>;
  /** One unit-length vector per text, in order. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
  dispose(): Promise<void>;
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalize(vec: number[]): number[] {
  let sum = 0;
  for (const v of vec) sum += v * v;
  if (sum === 0) return vec;
  const inv = 1 / Math.sqrt(sum);
  return vec.map((v) => v * inv);
}
