import { EngineError } from '../core/errors.ts';
import type { AsrConfig } from './asr-config.ts';
import type { AsrEngine, AsrEngineFactory, AsrResult } from './asr-engine.ts';
import { findModelFiles, modelDir, type FileRole } from './model-files.ts';
import { sherpa, type SherpaConfig, type SherpaOfflineRecognizer } from './sherpa-asr.ts';

const RATE = 16_000;
const TOKENS: FileRole = { role: 'tokens', pattern: /tokens\.txt$/ };

/** A family of sherpa-onnx offline models: which files it needs and how they go into sherpa's config. */
interface OfflineFamily {
  name: string;
  description: string;
  defaultModel: string;
  roles: FileRole[];
  modelConfig(files: Record<string, string>, config: AsrConfig): SherpaConfig;
}

const FAMILIES: OfflineFamily[] = [
  {
    name: 'whisper',
    description: 'OpenAI Whisper (offline, on each VAD segment); multilingual or .en models',
    defaultModel: 'sherpa-onnx-whisper-tiny.en',
    roles: [{ role: 'encoder', pattern: /encoder(\.int8)?\.onnx$/ }, { role: 'decoder', pattern: /decoder(\.int8)?\.onnx$/ }, TOKENS],
    modelConfig: (f, c) => ({ whisper: { encoder: f.encoder as string, decoder: f.decoder as string, language: c.language, task: 'transcribe', tailPaddings: -1 } }),
  },
  {
    name: 'sense-voice',
    description: 'SenseVoice small (offline): zh, en, ja, ko, yue with punctuation',
    defaultModel: 'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17',
    roles: [{ role: 'model', pattern: /^model(\.int8)?\.onnx$/ }, TOKENS],
    modelConfig: (f, c) => ({ senseVoice: { model: f.model as string, language: c.language || 'auto', useInverseTextNormalization: 1 } }),
  },
  {
    name: 'moonshine',
    description: 'Moonshine (offline), small and fast English models',
    defaultModel: 'sherpa-onnx-moonshine-tiny-en-int8',
    roles: [
      { role: 'preprocessor', pattern: /^preprocess(or)?(\.int8)?\.onnx$/ },
      { role: 'encoder', pattern: /^encode(r)?(\.int8)?\.onnx$/ },
      { role: 'uncachedDecoder', pattern: /^uncached_decode(r)?(\.int8)?\.onnx$/ },
      { role: 'cachedDecoder', pattern: /^cached_decode(r)?(\.int8)?\.onnx$/ },
      TOKENS,
    ],
    modelConfig: (f) => ({
      moonshine: { preprocessor: f.preprocessor as string, encoder: f.encoder as string, uncachedDecoder: f.uncachedDecoder as string, cachedDecoder: f.cachedDecoder as string },
    }),
  },
  {
    name: 'paraformer',
    description: 'Paraformer (offline, non-autoregressive)',
    defaultModel: 'sherpa-onnx-paraformer-en-2024-03-09',
    roles: [{ role: 'model', pattern: /^model(\.int8)?\.onnx$/ }, TOKENS],
    modelConfig: (f) => ({ paraformer: { model: f.model as string } }),
  },
  {
    name: 'nemo-ctc',
    description: 'NeMo CTC models (offline), e.g. Citrinet / FastConformer CTC',
    defaultModel: 'sherpa-onnx-nemo-ctc-en-citrinet-512',
    roles: [{ role: 'model', pattern: /^model(\.int8)?\.onnx$/ }, TOKENS],
    modelConfig: (f) => ({ nemoCtc: { model: f.model as string } }),
  },
];

class SherpaOfflineEngine implements AsrEngine {
  readonly streaming = false;

  constructor(
    readonly name: string,
    readonly model: string,
    private readonly recognizer: SherpaOfflineRecognizer,
    private readonly decodeOnCallingThread: boolean,
  ) {}

  async transcribe(samples: Float32Array, signal?: AbortSignal): Promise<AsrResult> {
    signal?.throwIfAborted();
    if (samples.length === 0) return { text: '' };
    const stream = this.recognizer.createStream();
    stream.acceptWaveform({ samples, sampleRate: RATE });
    let result;
    try {
      if (this.decodeOnCallingThread) {
        this.recognizer.decode(stream);
        result = this.recognizer.getResult(stream);
      } else {
        result = await this.recognizer.decodeAsync(stream);
      }
    } catch (err) {
      throw new EngineError('ASR_FAILED', `${this.name} decode failed: ${(err as Error).message}`, { cause: err });
    }
    signal?.throwIfAborted();
    return { text: result.text.trim(), ...(result.lang ? { language: result.lang } : {}) };
  }

  dispose(): void {
    // The native recognizer is freed by the garbage collector once unreferenced.
  }
}

async function createOffline(family: OfflineFamily, config: AsrConfig, modelsDir: string, decodeOnCallingThread: boolean): Promise<AsrEngine> {
  const model = config.model || family.defaultModel;
  const files = findModelFiles(modelDir(model, modelsDir), family.roles, config.prefer_int8, model);
  const recognizerConfig: SherpaConfig = {
    featConfig: { sampleRate: RATE, featureDim: 80 },
    modelConfig: { ...family.modelConfig(files, config), tokens: files.tokens as string, numThreads: config.num_threads, provider: 'cpu', debug: 0 },
    decodingMethod: 'greedy_search',
  };
  try {
    const recognizer = await sherpa().OfflineRecognizer.createAsync(recognizerConfig);
    return new SherpaOfflineEngine(family.name, model, recognizer, decodeOnCallingThread);
  } catch (err) {
    throw new EngineError('MODEL_MISSING', `${family.name} model ${model} failed to load: ${(err as Error).message}`, { cause: err });
  }
}

/** The offline sherpa-onnx engines (whisper, sense-voice, moonshine, paraformer, nemo-ctc). */
export function offlineEngineFactories(): AsrEngineFactory[] {
  return FAMILIES.map((family) => ({
    name: family.name,
    description: family.description,
    defaultModel: family.defaultModel,
    create: ({ config, modelsDir, decodeOnCallingThread }) => createOffline(family, config, modelsDir, decodeOnCallingThread === true),
  }));
}
