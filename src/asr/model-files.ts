import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../core/errors.ts';

/** A file a model needs: matched by regex on its name; `int8` variants are preferred when asked. */
export interface FileRole {
  role: string;
  pattern: RegExp;
}

/** Resolves `asr.model` (a folder name under the models dir, or an absolute path). */
export function modelDir(model: string, modelsDir: string): string {
  return path.isAbsolute(model) ? model : path.join(modelsDir, model);
}

export function pullHint(model: string): string {
  return `npm run models -- pull ${model}`;
}

/**
 * Finds each role's file in `dir`. Throws MODEL_MISSING (one line, naming the pull command)
 * when the folder or a file is missing. sherpa-onnx must never see a missing path: some of its
 * loaders end the process instead of throwing.
 */
export function findModelFiles(dir: string, roles: readonly FileRole[], preferInt8: boolean, pullName: string): Record<string, string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EngineError('MODEL_MISSING', `ASR model folder ${dir} not found; run: ${pullHint(pullName)}`, { details: { dir, pull: pullName } });
  }
  const names = readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isFile());
  const out: Record<string, string> = {};
  for (const { role, pattern } of roles) {
    const matches = names.filter((n) => pattern.test(n)).sort();
    const int8 = matches.filter((n) => /\.int8\./.test(n));
    const plain = matches.filter((n) => !/\.int8\./.test(n));
    const pick = preferInt8 ? (int8[0] ?? plain[0]) : (plain[0] ?? int8[0]);
    if (!pick) {
      throw new EngineError('MODEL_MISSING', `ASR model ${path.basename(dir)} has no ${role} file (${pattern.source}) in ${dir}; run: ${pullHint(pullName)}`, {
        details: { dir, role, pull: pullName },
      });
    }
    out[role] = path.join(dir, pick);
  }
  return out;
}
