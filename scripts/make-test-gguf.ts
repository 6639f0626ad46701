/**
 * Writes a tiny random-weight llama GGUF (v3, F32 tensors, SentencePiece-style vocab) that
 * node-llama-cpp loads and generates from. The output is gibberish: the file exists to test loading,
 * streaming, session reuse and abort without a real model. Deterministic for a given seed.
 *
 *   node --import tsx scripts/make-test-gguf.ts <out.gguf> [--seed N]
 *
 * Format: magic "GGUF", version 3, tensor count, metadata count, metadata key/values, tensor infos,
 * padding to `general.alignment`, then the tensor data (each tensor aligned). Dimensions are listed
 * innermost first, as ggml's `ne` (a [n_embd, n_vocab] embedding has n_vocab rows of n_embd floats).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom as prng } from './lib/seeded-random.ts';

const ALIGNMENT = 32;

/** GGUF metadata value types. */
const GgufType = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;

type MetaValue =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string }
  | { type: 'str[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] };

interface Tensor {
  name: string;
  /** ggml order: innermost dimension first. */
  dims: number[];
  data: Float32Array;
}

export interface TinyModelShape {
  embedding: number;
  layers: number;
  heads: number;
  feedForward: number;
  contextLength: number;
}

export const DEFAULT_SHAPE: TinyModelShape = { embedding: 64, layers: 2, heads: 4, feedForward: 128, contextLength: 4096 };

/** Little, growable byte writer. */
class ByteWriter {
  private buf = Buffer.alloc(1 << 16);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }

  u64(v: number): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }

  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
  }

  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.bytes(bytes);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  pad(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.bytes(new Uint8Array(alignment - rest));
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeMeta(w: ByteWriter, key: string, v: MetaValue): void {
  w.str(key);
  switch (v.type) {
    case 'u32':
      w.u32(GgufType.UINT32);
      w.u32(v.value);
      break;
    case 'f32':
      w.u32(GgufType.FLOAT32);
      w.f32(v.value);
      break;
    case 'bool':
      w.u32(GgufType.BOOL);
      w.u8(v.value ? 1 : 0);
      break;
    case 'str':
      w.u32(GgufType.STRING);
      w.str(v.value);
      break;
    case 'str[]':
      w.u32(GgufType.ARRAY);
      w.u32(GgufType.STRING);
      w.u64(v.value.length);
      for (const s of v.value) w.str(s);
      break;
    case 'f32[]':
      w.u32(GgufType.ARRAY);
      w.u32(GgufType.FLOAT32);
      w.u64(v.value.length);
      for (const x of v.value) w.f32(x);
      break;
    case 'i32[]':
      w.u32(GgufType.ARRAY);
      w.u32(GgufType.INT32);
      w.u64(v.value.length);
      for (const x of v.value) w.i32(x);
      break;
  }
}


const WORDS = ['the', 'a', 'and', 'you', 'I', 'hi', 'hello', 'chat', 'stream', 'game', 'fun', 'yes', 'no', 'oh', 'wow', 'nice', 'cute', 'cool', 'today', 'let', 'us', 'play', 'sing', 'talk', 'love', 'friend', 'is', 'are', 'so', 'very'];

/** SentencePiece-style vocab: unk/bos/eos, 256 byte tokens, letters, punctuation, whole words with ▁. */
function buildVocab(): { tokens: string[]; scores: number[]; types: number[]; firstWord: number } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3]; // unknown, control, control
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6); // byte
  }
  const firstWord = tokens.length;
  const pieces = new Set<string>(['▁']);
  for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?\'-:#') pieces.add(c);
  for (const w of WORDS) {
    pieces.add(`▁${w}`);
    pieces.add(w);
  }
  for (const p of pieces) {
    tokens.push(p);
    types.push(1); // normal
  }
  // Longer pieces score higher, so the tokenizer prefers whole words.
  const scores = tokens.map((t, i) => (i < firstWord ? 0 : -100 + t.length));
  return { tokens, scores, types, firstWord };
}

export function buildTinyGguf(seed = 1, shape: TinyModelShape = DEFAULT_SHAPE): Buffer {
  const rand = prng(seed);
  const gauss = (std: number): number => {
    const u = Math.max(rand(), 1e-9);
    const v = rand();
    return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const vocab = buildVocab();
  const nVocab = vocab.tokens.length;
  const { embedding: nEmbd, feedForward: nFf, heads, layers } = shape;
  const random = (n: number, std: number): Float32Array => Float32Array.from({ length: n }, () => gauss(std));
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

  // Output rows of control and byte tokens stay zero while word rows are large, so greedy decoding
  // produces words rather than EOS or broken UTF-8 bytes.
  const output = new Float32Array(nEmbd * nVocab);
  for (let row = vocab.firstWord; row < nVocab; row++) for (let col = 0; col < nEmbd; col++) output[row * nEmbd + col] = gauss(0.5);

  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab], data: random(nEmbd * nVocab, 0.5) },
    { name: 'output_norm.weight', dims: [nEmbd], data: ones(nEmbd) },
    { name: 'output.weight', dims: [nEmbd, nVocab], data: output },
  ];
  for (let l = 0; l < layers; l++) {
    const b = `blk.${l}`;
    tensors.push(
      { name: `${b}.attn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${b}.attn_q.weight`, dims: [nEmbd, nEmbd], data: random(nEmbd * nEmbd, 0.1) },
      { name: `${b}.attn_k.weight`, dims: [nEmbd, nEmbd], data: random(nEmbd * nEmbd, 0.1) },
      { name: `${b}.attn_v.weight`, dims: [nEmbd, nEmbd], data: random(nEmbd * nEmbd, 0.1) },
      { name: `${b}.attn_output.weight`, dims: [nEmbd, nEmbd], data: random(nEmbd * nEmbd, 0.1) },
      { name: `${b}.ffn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${b}.ffn_gate.weight`, dims: [nEmbd, nFf], data: random(nEmbd * nFf, 0.1) },
      { name: `${b}.ffn_up.weight`, dims: [nEmbd, nFf], data: random(nEmbd * nFf, 0.1) },
      { name: `${b}.ffn_down.weight`, dims: [nFf, nEmbd], data: random(nFf * nEmbd, 0.1) },
    );
  }

  const meta: Array<[string, MetaValue]> = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.name', { type: 'str', value: 'vtuber-engine tiny random test model' }],
    ['general.file_type', { type: 'u32', value: 0 }], // all F32
    ['general.alignment', { type: 'u32', value: ALIGNMENT }],
    ['llama.context_length', { type: 'u32', value: shape.contextLength }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: layers }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: heads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: heads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'u32', value: nEmbd / heads }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'str', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'str[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];

  const w = new ByteWriter();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [key, value] of meta) writeMeta(w, key, value);
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  w.pad(ALIGNMENT);
  for (const t of tensors) {
    w.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad(ALIGNMENT);
  }
  return w.result();
}

/** Writes the tiny model to `outPath` and returns its size in bytes. */
export function writeTinyGguf(outPath: string, seed = 1): number {
  const data = buildTinyGguf(seed);
  writeFileSync(outPath, data);
  return data.length;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  const args = process.argv.slice(2);
  const out = args.find((a) => !a.startsWith('--'));
  const seedAt = args.indexOf('--seed');
  const seed = seedAt !== -1 ? Number(args[seedAt + 1]) : 1;
  if (!out || !Number.isFinite(seed)) {
    process.stderr.write('usage: node --import tsx scripts/make-test-gguf.ts <out.gguf> [--seed N]\n');
    process.exit(2);
  }
  const size = writeTinyGguf(path.resolve(out), seed);
  process.stdout.write(`wrote ${out} (${(size / 1024).toFixed(0)} KiB)\n`);
}
