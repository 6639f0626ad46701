// `npm run models -- list | pull <name> [--force] | pull --profile <en|ru> | verify [name]`
// Options: --registry <file> (default src/models/registry.json). Models go to VTUBER_MODELS_DIR.
import { loadRuntimeSettings } from '../config/env.ts';
import { isInstalled, pullModel, PullError, verifyModel } from '../models/model-install.ts';
import { DEFAULT_REGISTRY, entrySources, findModel, loadRegistry, verifyMethod, type ModelEntry } from '../models/model-registry.ts';
import { configLinesOf, entrySize, mb, pullProfile } from '../models/profile-pull.ts';
import { applyConfigLines, describePlan } from '../models/config-apply.ts';
import { DownloadError } from '../models/download.ts';

const USAGE = `usage: npm run models -- <command>
  list                         models in the registry and whether they are installed
  pull <name> [--force]        download, verify (sha256 from the host's metadata or pinned) and unpack
                               into VTUBER_MODELS_DIR; resumes; records the hash in models.lock.json
  pull --profile <en|ru>       LLM, memory embedder, ASR and voice for a first show in that language
  pull ... --apply             also write the config lines they need into conf.yaml where safe
                               (absent, empty or default values; conf.yaml.backup first, comments kept)
  verify [name]                re-check installed models against their checksums
options: --registry <file>     another registry file (default src/models/registry.json)
`;

async function main(argv: string[]): Promise<number> {
  const valued = ['--registry', '--profile'];
  const flags = new Set(argv.filter((a) => a.startsWith('--') && !valued.includes(a)));
  const valueOf = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const registryFile = valueOf('--registry');
  const profile = valueOf('--profile');
  const valueAt = new Set(valued.map((f) => argv.indexOf(f)).filter((i) => i >= 0).map((i) => i + 1));
  const positional = argv.filter((a, i) => !a.startsWith('--') && !valueAt.has(i));
  const [command, name] = positional;
  for (const f of flags) {
    if (!['--force', '--help', '--apply'].includes(f)) {
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
      const sums = [...new Set(entrySources(m).map((s) => `${verifyMethod(s)}${s.sha256 && verifyMethod(s) !== 'pinned sha256' ? ' + pinned sha256' : ''}`))].join(', ');
      const state = isInstalled(m, modelsDir) ? 'installed' : 'not installed';
      const size = entrySize(m);
      process.stdout.write(
        `  ${m.name.padEnd(62)} ${m.kind.padEnd(9)} ${(m.engine ?? '').padEnd(20)} ${size.bytes === 0 ? 'see host' : `${size.exact ? '' : '~'}${mb(size.bytes)}`.padStart(9)}  ${state.padEnd(14)} verified by ${sums}\n      ${m.description}\n`,
      );
    }
    for (const [id, p] of Object.entries(registry.profiles)) process.stdout.write(`profile ${id}: ${p.models.join(', ')}\n`);
    return 0;
  }
  const reportConfig = (entries: readonly ModelEntry[]): void => {
    const lines = configLinesOf(entries);
    if (lines.length === 0) return;
    const apply = flags.has('--apply');
    const result = applyConfigLines(settings.configPath, settings.charactersDir, lines, apply);
    if (result.noConfig) {
      process.stdout.write(`config lines that use them (${result.noConfig}; set them there after):\n${lines.map((l) => `  ${l.key}: ${JSON.stringify(l.value)}`).join('\n')}\n`);
      return;
    }
    process.stdout.write(`config lines that use them (${settings.configPath}):\n${describePlan(result.plan, apply)}\n`);
    if (apply && result.backupPath) process.stdout.write(`wrote ${result.written} line(s); the previous file is ${result.backupPath}. Restart the daemon to use them.\n`);
    else if (!apply && result.plan.some((l) => l.state === 'set')) process.stdout.write(`run the same command with --apply to write the "to set" lines (a backup is kept).\n`);
  };
  if (command === 'pull' && profile !== undefined) {
    try {
      reportConfig(await pullProfile(registry, profile, { modelsDir, force: flags.has('--force'), out: process.stderr }));
      return 0;
    } catch (err) {
      process.stderr.write(`\nerror: ${(err as Error).message}\n`);
      return 1;
    }
  }
  if (command === 'pull') {
    const entry = name ? findModel(registry, name) : undefined;
    if (!entry) {
      process.stderr.write(`${name ? `unknown model ${name}` : 'pull needs a model name'}; known: ${registry.models.map((m) => m.name).join(', ')}\n`);
      return 2;
    }
    try {
      await pullModel(entry, { modelsDir, force: flags.has('--force'), out: process.stderr });
      reportConfig([entry]);
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
