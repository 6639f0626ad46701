import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR } from '../src/config/env.ts';

// src/config is the lowest layer: stages own their config schemas and src/config-schema.ts (beside
// src/stages.ts) composes them. Nothing in src/config may import a stage (or the composition).
const SRC = path.join(ROOT_DIR, 'src');
const CONFIG = path.join(SRC, 'config');

/** The stage folders, read from the imports of src/stages.ts (e.g. `./agent/agent-stage.ts` → src/agent). */
function stageFolders(): string[] {
  const text = readFileSync(path.join(SRC, 'stages.ts'), 'utf8');
  const folders = [...text.matchAll(/from\s+'\.\/([a-z0-9-]+)\//g)].map((m) => path.join(SRC, m[1] as string));
  return [...new Set(folders)];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports (value, type, re-export, dynamic) of `source` that resolve into a forbidden place. */
function forbiddenImports(file: string, source: string, forbidden: readonly string[]): string[] {
  const specs = [...source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specs.filter((spec) => {
    const target = path.resolve(path.dirname(file), spec);
    return forbidden.some((f) => target === f || target.startsWith(`${f}${path.sep}`));
  });
}

const FORBIDDEN = [...stageFolders(), path.join(ROOT_DIR, 'plugins'), path.join(SRC, 'config-schema.ts'), path.join(SRC, 'stages.ts')];

test('the stage folders are found from src/stages.ts', () => {
  for (const stage of ['agent', 'asr', 'vad', 'tts', 'memory', 'relationships']) assert.ok(FORBIDDEN.includes(path.join(SRC, stage)), stage);
});

test('the check catches a stage import in any form', () => {
  const file = path.join(CONFIG, 'example.ts');
  const bad = "import type { AgentConfig } from '../agent/agent-config.ts';\nexport { X } from '../tts/voice-config.ts';\nconst m = await import('../config-schema.ts');\nimport { ok } from './loader.ts';";
  assert.deepEqual(forbiddenImports(file, bad, FORBIDDEN), ['../agent/agent-config.ts', '../tts/voice-config.ts', '../config-schema.ts']);
});

test('no file in src/config imports a stage, a plugin or the composed schema', () => {
  const offenders = tsFiles(CONFIG).flatMap((file) => forbiddenImports(file, readFileSync(file, 'utf8'), FORBIDDEN).map((spec) => `${path.relative(ROOT_DIR, file)} imports ${spec}`));
  assert.deepEqual(offenders, []);
});
