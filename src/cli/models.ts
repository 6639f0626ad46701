// `npm run models -- list | pull <name> [--trust-unverified] [--force] | verify [name]`
// Options: --registry <file> (default src/models/registry.json). Models go to VTUBER_MODELS_DIR.
import { loadRuntimeSettings } from '../config/env.ts';
import { isInstalled, pullModel, PullError, verifyModel } from '../models/model-install.ts';
import { DEFAULT_REGISTRY, findModel, loadRegistry } from '../models/model-registry.ts';
import { DownloadError } from '../models/download.ts';

const USAGE = `usage: npm run models -- <command>
  list                         models in the registry and whether they are installed
  pull <name> [--trust-unverified] [--force]
                               download, verify (sha256) and unpack into VTUBER_MODELS_DIR; resumes
  verify [name]                re-check installed models against their checksums
options: --registry <file>     another registry file (default src/models/registry.json)
`;

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--') && a !== '--registry'));
  const regAt = argv.indexOf('--registry');
  const registryFile = regAt >= 0 ? argv[regAt + 1] : undefined;
  const positional = argv.filter((a, i) => !a.startsWith('--') && (regAt < 0 || i !== regAt + 1));
  const [command, name] = positional;
  for (const f of flags) {
    if (!['--trust-unverified', '--force', '--help'].includes(f)) {
      process.stderr.write(`unknown option ${f}\n${USAGE}`);
      return 2;
    }
  }
  if (!command || flags.has('--help')) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const settings = loadRuntimeSettings();
  const registry = loadRegistry(registryFile ?? DEFAULT_REGISTRY);
  const modelsDir = settings.modelsDir;

  if (command === 'list') {
    process.stdout.write(`models dir: ${modelsDir}\n`);
    for (const m of registry.models) {
      const sums = [...(m.archive ? [m.archive] : []), ...(m.files ?? [])].every((s) => s.sha256 !== null) ? 'sha256 verified' : 'sha256 unknown';
      const state = isInstalled(m, modelsDir) ? 'installed' : 'not installed';
      process.stdout.write(`  ${m.name.padEnd(54)} ${m.kind.padEnd(4)} ${(m.engine ?? '').padEnd(20)} ${state.padEnd(14)} ${sums}\n      ${m.description}\n`);
    }
    return 0;
  }
  if (command === 'pull') {
    const entry = name ? findModel(registry, name) : undefined;
    if (!entry) {
      process.stderr.write(`${name ? `unknown model ${name}` : 'pull needs a model name'}; known: ${registry.models.map((m) => m.name).join(', ')}\n`);
      return 2;
    }
    try {
      await pullModel(entry, { modelsDir, trustUnverified: flags.has('--trust-unverified'), force: flags.has('--force'), out: process.stderr });
      return 0;
    } catch (err) {
      if (err instanceof PullError || err instanceof DownloadError) {
        process.stderr.write(`\nerror: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  }
  if (command === 'verify') {
    const entries = name ? registry.models.filter((m) => m.name === name) : registry.models.filter((m) => isInstalled(m, modelsDir));
    if (name && entries.length === 0) {
      process.stderr.write(`unknown model ${name}\n`);
      return 2;
    }
    if (entries.length === 0) process.stdout.write(`no models installed in ${modelsDir}\n`);
    let bad = 0;
    for (const entry of entries) {
      const report = await verifyModel(entry, modelsDir);
      if (!report.ok) bad++;
      process.stdout.write(`${report.ok ? 'ok  ' : 'FAIL'} ${report.name}${report.problems.length ? `: ${report.problems.join('; ')}` : ''}\n`);
    }
    return bad > 0 ? 1 : 0;
  }
  process.stderr.write(`unknown command ${command}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
