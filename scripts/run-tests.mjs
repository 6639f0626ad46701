// Runs every *.test.ts under src/, plugins/, test/ and benchmarks/ with node's test runner:
// first the ordinary files two at a time, then the timing-sensitive `*.solo.test.ts` files one by
// one, so their figures (start-up time, latency, event-loop lag) are not measured under our own load.
// Usage: node scripts/run-tests.mjs [path-filter...]
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { spawn } from 'node:child_process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.test.ts')) files.push(path.relative(root, full));
  }
};
for (const dir of ['src', 'plugins', 'test', 'benchmarks']) {
  try {
    walk(path.join(root, dir));
  } catch {
    // folder not present
  }
}
const selected = files.filter((f) => filters.length === 0 || filters.some((q) => f.includes(q))).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const solo = selected.filter((f) => f.endsWith('.solo.test.ts'));
const shared = selected.filter((f) => !f.endsWith('.solo.test.ts'));

const runBatch = (batch, concurrency) =>
  new Promise((resolve) => {
    if (batch.length === 0) return resolve(0);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=240000', ...batch], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'test' },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const first = await runBatch(shared, 2);
const second = await runBatch(solo, 1);
process.exit(first || second);
