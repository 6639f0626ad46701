import { EngineError } from '../core/errors.ts';
import type { AsrEngine, AsrEngineFactory, AsrResult, AsrStream } from './asr-engine.ts';
import { findModelFiles, modelDir } from './model-files.ts';
import { sherpa, type SherpaOnlineRecognizer, type SherpaOnlineStream } from './sherpa-asr.ts';

const RATE = 16_000;
/** Zeros fed after the utterance so the encoder's right context sees the last words. */
const TAIL_PADDING = Math.round(RATE * 0.32);

class ZipformerStream implements AsrStream {
  private text = '';
  private done = false;

  constructor(
    private readonly recognizer: SherpaOnlineRecognizer,
    private readonly stream: SherpaOnlineStream,
  ) {}

  accept(samples: Float32Array): string | undefined {
    if (this.done) throw new Error('stream already finished');
    this.stream.acceptWaveform({ samples, sampleRate: RATE });
    this.decodeReady();
    const text = this.recognizer.getResult(this.stream).text.trim();
    if (text === this.text) return undefined;
    this.text = text;
    return text;
  }

  finish(): AsrResult {
    if (this.done) return { text: this.text };
    this.done = true;
    this.stream.acceptWaveform({ samples: new Float32Array(TAIL_PADDING), sampleRate: RATE });
    this.stream.inputFinished();
    this.decodeReady();
    this.text = this.recognizer.getResult(this.stream).text.trim();
    return { text: this.text };
  }

  private decodeReady(): void {
    // Bounded: each decode consumes one chunk of frames.
    for (let i = 0; i < 10_000 && this.recognizer.isReady(this.stream); i++) this.recognizer.decode(this.stream);
  }
}

class ZipformerEngine implements AsrEngine {
  readonly name = 'zipformer-streaming';
  readonly streaming = true;

  constructor(
    readonly model: string,
    private readonly recognizer: SherpaOnlineRecognizer,
  ) {}

  createStream(): AsrStream {
    return new ZipformerStream(this.recognizer, this.recognizer.createStream());
  }

  async transcribe(samples: Float32Array, signal?: AbortSignal): Promise<AsrResult> {
    signal?.throwIfAborted();
    const stream = this.createStream();
    const step = RATE; // decode a second at a time so a long upload does not build one huge batch
    for (let i = 0; i < samples.length; i += step) stream.accept(samples.subarray(i, i + step));
    return stream.finish();
  }

  dispose(): void {
    // Freed with the recognizer object.
  }
}

const DEFAULT_MODEL = 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17';

/** Streaming zipformer transducer: partial transcripts while the streamer speaks, final at speech end. */
export const zipformerStreamingFactory: AsrEngineFactory = {
  name: 'zipformer-streaming',
  description: 'streaming zipformer transducer: partials while speaking, final right at speech end',
  defaultModel: DEFAULT_MODEL,
  async create({ config, modelsDir }) {
    const model = config.model || DEFAULT_MODEL;
    const files = findModelFiles(
      modelDir(model, modelsDir),
      [
        { role: 'encoder', pattern: /^encoder.*\.onnx$/ },
        { role: 'decoder', pattern: /^decoder.*\.onnx$/ },
        { role: 'joiner', pattern: /^joiner.*\.onnx$/ },
        { role: 'tokens', pattern: /^tokens\.txt$/ },
      ],
      config.prefer_int8,
      model,
    );
    try {
      const recognizer = new (sherpa().OnlineRecognizer)({
        featConfig: { sampleRate: RATE, featureDim: 80 },
        modelConfig: {
          transducer: { encoder: files.encoder as string, decoder: files.decoder as string, joiner: files.joiner as string },
          tokens: files.tokens as string,
          numThreads: config.num_threads,
          provider: 'cpu',
          debug: 0,
        },
        decodingMethod: 'greedy_search',
        enableEndpoint: 0,
      });
      return new ZipformerEngine(model, recognizer);
    } catch (err) {
      throw new EngineError('MODEL_MISSING', `zipformer model ${model} failed to load: ${(err as Error).message}`, { cause: err });
    }
  },
};
