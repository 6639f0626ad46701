import { EngineError } from '../core/errors.ts';
import type { AsrEngine, AsrEngineFactory, AsrResult, AsrStream } from './asr-engine.ts';
import type { AsrConfig } from './asr-config.ts';
import { findModelFiles, modelDir, type FileRole } from './model-files.ts';
import { sherpa, type SherpaConfig, type SherpaOnlineRecognizer, type SherpaOnlineStream } from './sherpa-asr.ts';

const RATE = 16_000;
/** Zeros fed after the utterance so the encoder's right context sees the last words. */
const TAIL_PADDING = Math.round(RATE * 0.32);

class OnlineUtterance implements AsrStream {
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

class SherpaStreamingEngine implements AsrEngine {
  readonly streaming = true;

  constructor(
    readonly name: string,
    readonly model: string,
    private readonly recognizer: SherpaOnlineRecognizer,
  ) {}

  createStream(): AsrStream {
    return new OnlineUtterance(this.recognizer, this.recognizer.createStream());
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

/** A family of sherpa-onnx streaming models: which files, and how they go into sherpa's model config. */
interface StreamingFamily {
  name: string;
  description: string;
  defaultModel: string;
  roles: FileRole[];
  modelConfig(files: Record<string, string>): SherpaConfig;
}

const FAMILIES: StreamingFamily[] = [
  {
    name: 'zipformer-streaming',
    description: 'streaming zipformer transducer: partials while speaking, final right at speech end',
    defaultModel: 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17',
    roles: [
      { role: 'encoder', pattern: /^encoder.*\.onnx$/ },
      { role: 'decoder', pattern: /^decoder.*\.onnx$/ },
      { role: 'joiner', pattern: /^joiner.*\.onnx$/ },
      { role: 'tokens', pattern: /^tokens\.txt$/ },
    ],
    modelConfig: (f) => ({ transducer: { encoder: f.encoder as string, decoder: f.decoder as string, joiner: f.joiner as string } }),
  },
  {
    name: 'nemo-ctc-streaming',
    description: 'cache-aware streaming NeMo FastConformer CTC: partials while speaking',
    defaultModel: 'sherpa-onnx-nemo-streaming-fast-conformer-ctc-en-80ms',
    roles: [
      { role: 'model', pattern: /^model(\.int8)?\.onnx$/ },
      { role: 'tokens', pattern: /^tokens\.txt$/ },
    ],
    modelConfig: (f) => ({ nemoCtc: { model: f.model as string } }),
  },
];

async function createStreaming(family: StreamingFamily, config: AsrConfig, modelsDir: string): Promise<AsrEngine> {
  const model = config.model || family.defaultModel;
  const files = findModelFiles(modelDir(model, modelsDir), family.roles, config.prefer_int8, model);
  try {
    const recognizer = new (sherpa().OnlineRecognizer)({
      featConfig: { sampleRate: RATE, featureDim: 80 },
      modelConfig: { ...family.modelConfig(files), tokens: files.tokens as string, numThreads: config.num_threads, provider: 'cpu', debug: 0 },
      decodingMethod: 'greedy_search',
      enableEndpoint: 0,
    });
    return new SherpaStreamingEngine(family.name, model, recognizer);
  } catch (err) {
    throw new EngineError('MODEL_MISSING', `${family.name} model ${model} failed to load: ${(err as Error).message}`, { cause: err });
  }
}

/** The streaming sherpa-onnx engines (zipformer transducer, NeMo CTC). */
export function streamingEngineFactories(): AsrEngineFactory[] {
  return FAMILIES.map((family) => ({
    name: family.name,
    description: family.description,
    defaultModel: family.defaultModel,
    create: ({ config, modelsDir }) => createStreaming(family, config, modelsDir),
  }));
}
