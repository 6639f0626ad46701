// `npm run bench -- <name>` runs benchmarks/<name>.bench.ts; with no name it lists them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none yet)'}\n`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(pathToFileURL(path.join(dir, `${name}.bench.ts`)).href)) as { main?: (args: string[]) => Promise<void> };
if (typeof mod.main !== 'function') {
  process.stderr.write(`benchmarks/${name}.bench.ts must export async function main(args)\n`);
  process.exit(2);
}
await mod.main(process.argv.slice(3));
