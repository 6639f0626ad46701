// Writes tiny random-weight ONNX models that sherpa-onnx loads, so tests exercise the real
// recognizer creation and decode code without real weights. They produce gibberish text.
// Usage: node --import tsx scripts/make-test-models.ts [out-dir]   (default: models/test)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, encodeOnnxModel, int64Tensor, randomFloatTensor } from './lib/onnx-writer.ts';

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

/** Name of the generated streaming transducer model folder. */
export const TEST_TRANSDUCER_MODEL = 'test-lstm-transducer-tiny';

/**
 * A streaming transducer (encoder, decoder, joiner) in the layout sherpa-onnx's online transducer
 * loader reads, with model_type `lstm` (the smallest state: h and c, passed through):
 * encoder x (N, T, 80) → MatMul → (N, T, J); decoder y (N, 1) → embedding → (N, J); joiner
 * (N, J) + (N, J) → MatMul → logit (N, V). It exercises the same `transducer` config and decode
 * loop as the streaming zipformers. `names` renames the files (e.g. a release's int8 layout).
 */
export function writeTestTransducerModel(
  outDir: string,
  opts: { folder?: string; names?: { encoder?: string; decoder?: string; joiner?: string }; seed?: number } = {},
): { dir: string; encoder: string; decoder: string; joiner: string; tokens: string } {
  const dir = path.join(outDir, opts.folder ?? TEST_TRANSDUCER_MODEL);
  mkdirSync(dir, { recursive: true });
  const seed = opts.seed ?? 2468;
  const vocab = ['<blk>', ...PIECES];
  const v = vocab.length;
  const j = 8; // joiner dim
  const hidden = 4;
  const chunk = 16;
  const comment = 'random weights, for tests only';
  const encoder = encodeOnnxModel({
    graphName: 'tiny_lstm_encoder',
    inputs: [
      { name: 'x', elemType: DataType.FLOAT, shape: ['N', 'T', FEATURE_DIM] },
      { name: 'h', elemType: DataType.FLOAT, shape: [1, 'N', hidden] },
      { name: 'c', elemType: DataType.FLOAT, shape: [1, 'N', hidden] },
    ],
    outputs: [
      { name: 'encoder_out', elemType: DataType.FLOAT, shape: ['N', 'T', j] },
      { name: 'next_h', elemType: DataType.FLOAT, shape: [1, 'N', hidden] },
      { name: 'next_c', elemType: DataType.FLOAT, shape: [1, 'N', hidden] },
    ],
    initializers: [randomFloatTensor('enc_w', [FEATURE_DIM, j], seed, 0.05)],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'enc_w'], outputs: ['encoder_out'] },
      { op: 'Identity', inputs: ['h'], outputs: ['next_h'] },
      { op: 'Identity', inputs: ['c'], outputs: ['next_c'] },
    ],
    metadata: { model_type: 'lstm', num_encoder_layers: '1', T: String(chunk), decode_chunk_len: String(chunk), rnn_hidden_size: String(hidden), d_model: String(hidden), comment },
  });
  const decoder = encodeOnnxModel({
    graphName: 'tiny_decoder',
    inputs: [{ name: 'y', elemType: DataType.INT64, shape: ['N', 1] }],
    outputs: [{ name: 'decoder_out', elemType: DataType.FLOAT, shape: ['N', j] }],
    initializers: [randomFloatTensor('embedding', [v, j], seed + 1, 0.5), int64Tensor('out_shape', [-1, j])],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'y'], outputs: ['embedded'] },
      { op: 'Reshape', inputs: ['embedded', 'out_shape'], outputs: ['decoder_out'] },
    ],
    metadata: { vocab_size: String(v), context_size: '1', comment },
  });
  const joiner = encodeOnnxModel({
    graphName: 'tiny_joiner',
    inputs: [
      { name: 'encoder_out', elemType: DataType.FLOAT, shape: ['N', j] },
      { name: 'decoder_out', elemType: DataType.FLOAT, shape: ['N', j] },
    ],
    outputs: [{ name: 'logit', elemType: DataType.FLOAT, shape: ['N', v] }],
    initializers: [randomFloatTensor('join_w', [j, v], seed + 2, 1)],
    nodes: [
      { op: 'Add', inputs: ['encoder_out', 'decoder_out'], outputs: ['joined'] },
      { op: 'MatMul', inputs: ['joined', 'join_w'], outputs: ['logit'] },
    ],
    metadata: { comment },
  });
  const files = {
    encoder: path.join(dir, opts.names?.encoder ?? 'encoder.onnx'),
    decoder: path.join(dir, opts.names?.decoder ?? 'decoder.onnx'),
    joiner: path.join(dir, opts.names?.joiner ?? 'joiner.onnx'),
    tokens: path.join(dir, 'tokens.txt'),
  };
  writeFileSync(files.encoder, encoder);
  writeFileSync(files.decoder, decoder);
  writeFileSync(files.joiner, joiner);
  writeFileSync(files.tokens, vocab.map((t, i) => `${t} ${i}`).join('\n') + '\n');
  writeFileSync(path.join(dir, 'README.md'), '# Test streaming transducer model\n\nRandom weights written by scripts/make-test-models.ts (sherpa-onnx online transducer layout, model_type lstm). For tests only.\n');
  return { dir, ...files };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join('models', 'test'));
  for (const written of [writeTestCtcModel(out), writeTestStreamingCtcModel(out), writeTestTransducerModel(out)]) process.stdout.write(`wrote ${written.dir}\n`);
}
