// Runs after `npm install` / `npm ci`: builds the frontend and compiles the daemon, so `npm start`
// serves at once.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [script, what] of [
  ['build-frontend.mjs', 'frontend'],
  ['build-daemon.mjs', 'daemon'],
]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', script)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} build failed; run \`node scripts/${script}\` to see why`);
    process.exit(r.status ?? 1);
  }
}
