// Bundles frontend/src into frontend/dist with esbuild, copies static files, the Live2D runtimes
// and the bundled sample models (each with its licence file next to it).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'frontend', 'src');
const dist = path.join(root, 'frontend', 'dist');
const pub = path.join(root, 'frontend', 'public');
const modules = path.join(root, 'node_modules');
mkdirSync(dist, { recursive: true });

// Pages (`*-page.ts`) and audio worklets (`*-worklet.ts`) are entry points; everything else is imported.
const entries = readdirSync(src)
  .filter((f) => /^[a-z0-9-]+-(page|worklet)\.ts$/.test(f))
  .map((f) => path.join(src, f));
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
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

// Live2D runtimes: Cubism 4 core and Cubism 2 runtime, from the `live2dcubismcore` package.
const core = path.join(modules, 'live2dcubismcore');
const runtimeDir = path.join(dist, 'live2d');
mkdirSync(runtimeDir, { recursive: true });
for (const f of ['live2dcubismcore.min.js', 'live2d.min.js']) cpSync(path.join(core, f), path.join(runtimeDir, f));

// Bundled models. Shizuku (Cubism 2, small) is the default; Haru (Cubism 4) is the second sample.
const models = path.join(dist, 'live2d-models');
const shizuku = path.join(modules, 'live2d-widget-model-shizuku');
if (existsSync(shizuku)) {
  const dest = path.join(models, 'shizuku');
  cpSync(path.join(shizuku, 'assets'), dest, { recursive: true, filter: (p) => !p.includes(`${path.sep}snd`) });
  // Motion sounds are left out (the engine speaks through its own audio), so drop their references.
  const settingsFile = path.join(dest, 'shizuku.model.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
  for (const group of Object.values(settings.motions ?? {})) for (const m of group) delete m.sound;
  writeFileSync(settingsFile, JSON.stringify(settings));
  const pkg = JSON.parse(readFileSync(path.join(shizuku, 'package.json'), 'utf8'));
  writeFileSync(
    path.join(dest, 'LICENSE.txt'),
    [
      `Shizuku Live2D model, from the npm package ${pkg.name} ${pkg.version}.`,
      `Licence declared by the package: ${pkg.license}.`,
      `Source: ${pkg.homepage ?? pkg.repository?.url ?? 'unknown'}.`,
      'The model art and data belong to their authors (Live2D Inc. sample model); check their terms before commercial use.',
      '',
    ].join('\n'),
  );
}
const haru = path.join(core, 'characters', 'haru_greeter_pro_jp');
if (existsSync(haru)) {
  const dest = path.join(models, 'haru');
  cpSync(path.join(haru, 'runtime'), dest, { recursive: true });
  cpSync(path.join(haru, 'ReadMe.txt'), path.join(dest, 'LICENSE-ReadMe.txt'));
}
console.log(`frontend built: ${entries.length} entry point(s) -> ${path.relative(root, dist)}`);
