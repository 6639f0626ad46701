// Bundles frontend/src into frontend/dist with esbuild and copies static files.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'frontend', 'src');
const dist = path.join(root, 'frontend', 'dist');
const pub = path.join(root, 'frontend', 'public');
mkdirSync(dist, { recursive: true });

const entries = readdirSync(src).filter((f) => /^[a-z0-9-]+-page\.ts$/.test(f)).map((f) => path.join(src, f));
const version = JSON.parse((await import('node:fs')).readFileSync(path.join(root, 'package.json'), 'utf8')).version;
await build({
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  define: { __BUILD_VERSION__: JSON.stringify(version) },
});
if (existsSync(pub)) cpSync(pub, dist, { recursive: true });
console.log(`frontend built: ${entries.length} page(s) -> ${path.relative(root, dist)}`);
