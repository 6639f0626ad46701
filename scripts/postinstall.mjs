// Runs after `npm install` / `npm ci`: builds the frontend so `npm start` serves it at once.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-frontend.mjs')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('frontend build failed; run `npm run build:frontend` to see why');
  process.exit(r.status ?? 1);
}
