// Runs before `npm start`: builds the frontend when it has not been built yet, and compiles the
// daemon to dist/ when a source changed since the last build (see build-daemon.mjs).
// (conf.yaml is created from the template by the daemon itself, so `npm run dev` works too.)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildDaemon, daemonBuildIsStale } from './build-daemon.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'frontend', 'dist');
const expected = ['index.html', 'admin.html', 'main-page.js', 'admin-page.js', 'pcm-capture-worklet.js', 'live2d/live2d.min.js', 'live2d-models/model_dict.json'];
if (!expected.every((f) => existsSync(path.join(dist, f)))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-frontend.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (daemonBuildIsStale()) {
  const r = await buildDaemon();
  console.log(`daemon built: ${r.files} files -> dist/ in ${r.ms} ms`);
}
