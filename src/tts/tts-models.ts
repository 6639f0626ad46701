import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Offline TTS models for sherpa-onnx: piper/vits and kokoro. Each lives in MODELS_DIR/<id>/ as
 * unpacked from its official sherpa-onnx release archive.
 */
export interface TtsModelSpec {
  id: string;
  kind: 'vits' | 'kokoro';
  /** BCP 47 primary languages the model speaks. */
  languages: readonly string[];
  /** Official download (a .tar.bz2 that unpacks to the folder `id`). */
  url: string;
  licence: string;
  /** Paths inside the model folder. */
  files: { model: string; tokens: string; dataDir?: string; voices?: string; lexicon?: string };
}

const RELEASE = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models';

export const TTS_MODELS: readonly TtsModelSpec[] = [
  {
    id: 'vits-piper-en_US-amy-low',
    kind: 'vits',
    languages: ['en'],
    url: `${RELEASE}/vits-piper-en_US-amy-low.tar.bz2`,
    licence: 'MIT (piper voices: see MODEL_CARD)',
    files: { model: 'en_US-amy-low.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
  },
  {
    id: 'vits-piper-ru_RU-irina-medium',
    kind: 'vits',
    languages: ['ru'],
    url: `${RELEASE}/vits-piper-ru_RU-irina-medium.tar.bz2`,
    licence: 'MIT (piper voices: see MODEL_CARD)',
    files: { model: 'ru_RU-irina-medium.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
  },
  {
    id: 'kokoro-en-v0_19',
    kind: 'kokoro',
    languages: ['en'],
    url: `${RELEASE}/kokoro-en-v0_19.tar.bz2`,
    licence: 'Apache-2.0',
    files: { model: 'model.onnx', tokens: 'tokens.txt', voices: 'voices.bin', dataDir: 'espeak-ng-data' },
  },
];

export function findTtsModel(id: string): TtsModelSpec | undefined {
  return TTS_MODELS.find((m) => m.id === id);
}

/** The files of `spec` that are missing under `modelsDir`. */
export function missingModelFiles(spec: TtsModelSpec, modelsDir: string): string[] {
  const dir = path.join(modelsDir, spec.id);
  return Object.values(spec.files).filter((f) => !existsSync(path.join(dir, f)));
}

/** The model named by `id`, or the first installed model for `language`. */
export function pickTtsModel(id: string, language: string, modelsDir: string): TtsModelSpec | undefined {
  if (id) return findTtsModel(id);
  const primary = language.toLowerCase().split('-')[0] ?? '';
  return TTS_MODELS.find((m) => m.languages.includes(primary) && missingModelFiles(m, modelsDir).length === 0);
}
