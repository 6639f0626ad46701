import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * How the sherpa engine loads each offline TTS model (piper/vits, kokoro). Downloads live in the
 * models registry (src/models/registry.json, `npm run models -- pull <id>`); each model sits in
 * MODELS_DIR/<id>/ as unpacked from its official sherpa-onnx release archive.
 */
export interface TtsModelSpec {
  id: string;
  kind: 'vits' | 'kokoro';
  /** BCP 47 primary languages the model speaks. */
  languages: readonly string[];
  /** Paths inside the model folder. */
  files: { model: string; tokens: string; dataDir?: string; voices?: string; lexicon?: string };
}

export const TTS_MODELS: readonly TtsModelSpec[] = [
  {
    id: 'vits-piper-en_US-amy-low',
    kind: 'vits',
    languages: ['en'],
    files: { model: 'en_US-amy-low.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
  },
  {
    id: 'vits-piper-ru_RU-irina-medium',
    kind: 'vits',
    languages: ['ru'],
    files: { model: 'ru_RU-irina-medium.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
  },
  {
    id: 'kokoro-en-v0_19',
    kind: 'kokoro',
    languages: ['en'],
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
