// Writes tiny random-weight ONNX models that sherpa-onnx loads, so tests exercise the real
// recognizer creation and decode code without real weights. They produce gibberish text.
// Usage: node --import tsx scripts/make-test-models.ts [out-dir]   (default: models/test)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, encodeOnnxModel, randomFloatTensor } from './lib/onnx-writer.ts';

/** Name of the generated offline CTC model folder. */
export const TEST_CTC_MODEL = 'test-nemo-ctc-tiny';
const FEATURE_DIM = 80;

/** Tokens of the test vocabulary: SentencePiece-style pieces plus the CTC blank last (NeMo layout). */
const PIECES = ['▁hello', '▁there', '▁how', '▁are', '▁you', '▁to', 'day', '▁name', '▁where', '▁live', '▁the', '▁a', 's', 'ing', 'ed', '▁what'];

/** The random-weight CTC head both test models share: (N, 80, T) → Transpose → MatMul → Add → LogSoftmax → `logprobs`. */
const ctcHead = {
  initializers: (vocab: number, seed: number) => [randomFloatTensor('proj_w', [FEATURE_DIM, vocab], seed, 0.2), randomFloatTensor('proj_b', [vocab], seed + 1, 1)],
  nodes: [
    { op: 'Transpose', inputs: ['audio_signal'], outputs: ['feats_ntc'], attributes: [{ name: 'perm', kind: 'ints' as const, value: [0, 2, 1] }] },
    { op: 'MatMul', inputs: ['feats_ntc', 'proj_w'], outputs: ['logits_nb'] },
    { op: 'Add', inputs: ['logits_nb', 'proj_b'], outputs: ['logits'] },
    { op: 'LogSoftmax', inputs: ['logits'], outputs: ['logprobs'], attributes: [{ name: 'axis', kind: 'int' as const, value: -1 }] },
  ],
};

/**
 * A NeMo-style CTC model: features (N, 80, T) → Transpose → MatMul(80×V) → LogSoftmax → (N, T, V).
 * Metadata matches what sherpa-onnx's offline NeMo CTC loader reads.
 */
export function writeTestCtcModel(outDir: string, seed = 1234): { dir: string; model: string; tokens: string } {
  const dir = path.join(outDir, TEST_CTC_MODEL);
  mkdirSync(dir, { recursive: true });
  const vocab = [...PIECES, '<blk>'];
  const v = vocab.length;
  const bytes = encodeOnnxModel({
    graphName: 'tiny_ctc',
    inputs: [
      { name: 'audio_signal', elemType: DataType.FLOAT, shape: ['N', FEATURE_DIM, 'T'] },
      { name: 'length', elemType: DataType.INT64, shape: ['N'] },
    ],
    outputs: [{ name: 'logprobs', elemType: DataType.FLOAT, shape: ['N', 'T', v] }],
    initializers: ctcHead.initializers(v, seed),
    nodes: [
      ...ctcHead.nodes,
    ],
    metadata: { model_type: 'EncDecCTCModelBPE', vocab_size: String(v), subsampling_factor: '1', normalize_type: '', version: '1', comment: 'random weights, for tests only' },
  });
  const model = path.join(dir, 'model.onnx');
  const tokens = path.join(dir, 'tokens.txt');
  writeFileSync(model, bytes);
  writeFileSync(tokens, vocab.map((t, i) => `${t} ${i}`).join('\n') + '\n');
  writeFileSync(path.join(dir, 'README.md'), '# Test CTC model\n\nRandom weights written by scripts/make-test-models.ts. It loads in sherpa-onnx and decodes gibberish; for tests only.\n');
  return { dir, model, tokens };
}

/** Name of the generated streaming (online NeMo CTC) model folder. */
export const TEST_STREAMING_CTC_MODEL = 'test-nemo-streaming-ctc-tiny';

/**
 * A cache-aware-streaming NeMo-style CTC model: each call takes a window of features (N, 80, T) and
 * the three caches, and returns log-probs (N, T, V), lengths and the caches unchanged (Identity).
 * Metadata matches sherpa-onnx's online NeMo CTC loader; its vocab_size excludes the blank.
 */
export function writeTestStreamingCtcModel(outDir: string, seed = 4321): { dir: string; model: string; tokens: string } {
  const dir = path.join(outDir, TEST_STREAMING_CTC_MODEL);
  mkdirSync(dir, { recursive: true });
  const vocab = [...PIECES, '<blk>'];
  const v = vocab.length;
  const window = 16;
  const bytes = encodeOnnxModel({
    graphName: 'tiny_streaming_ctc',
    inputs: [
      { name: 'audio_signal', elemType: DataType.FLOAT, shape: ['N', FEATURE_DIM, 'T'] },
      { name: 'length', elemType: DataType.INT64, shape: ['N'] },
      { name: 'cache_last_channel', elemType: DataType.FLOAT, shape: ['N', 1, 1, 1] },
      { name: 'cache_last_time', elemType: DataType.FLOAT, shape: ['N', 1, 1, 1] },
      { name: 'cache_last_channel_len', elemType: DataType.INT64, shape: ['N'] },
    ],
    outputs: [
      { name: 'logprobs', elemType: DataType.FLOAT, shape: ['N', 'T', v] },
      { name: 'encoded_lengths', elemType: DataType.INT64, shape: ['N'] },
      { name: 'cache_last_channel_next', elemType: DataType.FLOAT, shape: ['N', 1, 1, 1] },
      { name: 'cache_last_time_next', elemType: DataType.FLOAT, shape: ['N', 1, 1, 1] },
      { name: 'cache_last_channel_next_len', elemType: DataType.INT64, shape: ['N'] },
    ],
    initializers: ctcHead.initializers(v, seed),
    nodes: [
      ...ctcHead.nodes,
      { op: 'Identity', inputs: ['length'], outputs: ['encoded_lengths'] },
      { op: 'Identity', inputs: ['cache_last_channel'], outputs: ['cache_last_channel_next'] },
      { op: 'Identity', inputs: ['cache_last_time'], outputs: ['cache_last_time_next'] },
      { op: 'Identity', inputs: ['cache_last_channel_len'], outputs: ['cache_last_channel_next_len'] },
    ],
    metadata: {
      model_type: 'EncDecCTCModelBPE',
      vocab_size: String(v - 1),
      window_size: String(window),
      chunk_shift: String(window),
      subsampling_factor: '1',
      cache_last_channel_dim1: '1',
      cache_last_channel_dim2: '1',
      cache_last_channel_dim3: '1',
      cache_last_time_dim1: '1',
      cache_last_time_dim2: '1',
      cache_last_time_dim3: '1',
      normalize_type: '',
      comment: 'random weights, for tests only',
    },
  });
  const model = path.join(dir, 'model.onnx');
  const tokens = path.join(dir, 'tokens.txt');
  writeFileSync(model, bytes);
  writeFileSync(tokens, vocab.map((t, i) => `${t} ${i}`).join('\n') + '\n');
  writeFileSync(path.join(dir, 'README.md'), '# Test streaming CTC model\n\nRandom weights written by scripts/make-test-models.ts (online NeMo CTC layout, caches passed through). For tests only.\n');
  return { dir, model, tokens };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join('models', 'test'));
  for (const written of [writeTestCtcModel(out), writeTestStreamingCtcModel(out)]) process.stdout.write(`wrote ${written.dir}\n`);
}
