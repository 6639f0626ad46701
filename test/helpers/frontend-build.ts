import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../src/config/env.ts';

export const FRONTEND_DIST = path.join(ROOT_DIR, 'frontend', 'dist');

/** Builds the frontend when frontend/dist lacks a page, a runtime or the default model. */
export function ensureFrontendBuilt(): void {
  const needed = ['index.html', 'admin.html', 'main-page.js', 'admin-page.js', 'pcm-capture-worklet.js', 'live2d/live2d.min.js', 'live2d-models/model_dict.json', 'live2d-models/shizuku/shizuku.model.json'];
  if (needed.every((f) => existsSync(path.join(FRONTEND_DIST, f)))) return;
  const r = spawnSync(process.execPath, [path.join(ROOT_DIR, 'scripts', 'build-frontend.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('frontend build failed');
}
