// Compiles the daemon for `npm start`: every src/ and plugins/ TypeScript file (tests excluded) to
// plain ESM under dist/, one output file per source file, relative `.ts` imports rewritten to `.js`.
// Files the code finds next to itself (.mjs helpers for child processes, .json data) are copied.
// Starting from dist/ skips the TypeScript loader, which takes over a second of start-up on 2 cores.
// `npm run dev`, the tests and the CLI tools keep running the sources through tsx.
//
//   node scripts/build-daemon.mjs            build now
//   node scripts/build-daemon.mjs --if-stale build only when a source is newer than the last build
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');
const stamp = path.join(outdir, '.built');
const SOURCE_DIRS = ['src', 'plugins'];

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');
const isAsset = (name) => name.endsWith('.mjs') || name.endsWith('.json');

/** Sources to compile and assets to copy under `dir`, outside test folders (one walk). */
function collect(dir, out = { sources: [], assets: [] }) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test' && entry.name !== 'node_modules') collect(p, out);
    } else if (isSource(entry.name)) {
      out.sources.push(p);
    } else if (isAsset(entry.name)) {
      out.assets.push(p);
    }
  }
  return out;
}

function inputs() {
  const out = { sources: [], assets: [] };
  for (const d of SOURCE_DIRS) collect(path.join(root, d), out);
  return out;
}

/** True when there is no build or a source (or this script) changed since it was made. */
export function daemonBuildIsStale() {
  if (!existsSync(stamp) || !existsSync(path.join(outdir, 'src', 'main.js'))) return true;
  const builtAt = statSync(stamp).mtimeMs;
  const { sources, assets } = inputs();
  return [...sources, ...assets, fileURLToPath(import.meta.url)].some((f) => statSync(f).mtimeMs > builtAt);
}

/** Relative imports stay imports of the compiled sibling; packages stay imports of node_modules. */
const keepRelativeImports = {
  name: 'keep-relative-imports',
  setup(b) {
    b.onResolve({ filter: /^\.{1,2}\// }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true }));
  },
};

export async function buildDaemon() {
  const started = performance.now();
  const { sources: entryPoints, assets } = inputs();
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir,
    outbase: root,
    bundle: true,
    packages: 'external',
    plugins: [keepRelativeImports],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const asset of assets) {
    const target = path.join(outdir, path.relative(root, asset));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(asset, target);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return { files: entryPoints.length, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || daemonBuildIsStale()) {
    const r = await buildDaemon();
    console.log(`daemon built: ${r.files} files -> dist/ in ${r.ms} ms`);
  }
}
