import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadPersonaPrompt } from '../agent/agent-stage.ts';
import { ScenarioFileSchema, runPersonaEval, type ReplyReport } from '../agent/eval/persona-eval.ts';
import { createProviderChain, samplingFromConfig } from '../agent/llm/create-provider-chain.ts';
import { loadConfigFor } from '../bootstrap.ts';
import { loadRuntimeSettings } from '../config/env.ts';
import { primaryLanguage } from '../config/language.ts';
import { createLogger } from '../logging/logger.ts';

const USAGE = 'usage: npm run eval -- persona [--scenarios prompts/scenarios.yaml] [--only <name>] [--language <xx> | --all] [--json <file>]\n';

/** `npm run eval -- persona`: runs the persona scenarios against the configured LLM and reports. */
async function main(args: string[]): Promise<number> {
  if (args[0] !== 'persona') {
    process.stderr.write(USAGE);
    return 2;
  }
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const settings = loadRuntimeSettings();
  const loaded = loadConfigFor(settings, false);
  const character = loaded.config.character;
  const { log, close } = await createLogger({ level: process.env.LOG_LEVEL ?? 'warn', console: 'pretty' });
  const scenarioPath = path.resolve(settings.rootDir, opt('--scenarios') ?? 'prompts/scenarios.yaml');
  const file = ScenarioFileSchema.parse(parse(readFileSync(scenarioPath, 'utf8')));
  const only = opt('--only');
  if (only) file.scenarios = file.scenarios.filter((s) => s.name === only);
  // The scenarios in the character's language (or --language), unless --all.
  const language = primaryLanguage(opt('--language') ?? character.language);
  if (!args.includes('--all')) file.scenarios = file.scenarios.filter((s) => primaryLanguage(s.language) === language);
  if (file.scenarios.length === 0) {
    process.stderr.write(`no scenarios in ${scenarioPath} for language "${language}"${only ? ` named "${only}"` : ''}; use --all or --language\n`);
    await close();
    return 2;
  }
  const chain = createProviderChain(character.llm, { modelsDir: settings.modelsDir }, log);
  const persona = loadPersonaPrompt(settings.rootDir, character.persona_prompt, { log });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const reports = await runPersonaEval(file, character, persona, chain, samplingFromConfig(character.llm.sampling), log, controller.signal);
  await chain.dispose?.();
  process.stdout.write(`${formatReport(reports, loaded.config.active_character)}\n`);
  const jsonPath = opt('--json');
  if (jsonPath) (await import('node:fs')).writeFileSync(jsonPath, `${JSON.stringify(reports, null, 2)}\n`);
  await close();
  return reports.some((r) => r.violations.length > 0) ? 1 : 0;
}

export function formatReport(reports: readonly ReplyReport[], characterName: string): string {
  const lines = [`Persona eval: ${characterName}, ${reports.length} replies`, '', '| scenario | step | chars | sentences | tags (invalid) | repetition | violations | reply |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of reports) {
    lines.push(`| ${r.scenario} | ${r.step} | ${r.chars} | ${r.sentences} | ${r.tags} (${r.invalidTags}) | ${Math.round(r.repetition * 100)}% | ${r.violations.join('; ') || '-'} | ${r.reply.replace(/\|/g, '/').slice(0, 120)} |`);
  }
  const n = reports.length || 1;
  const avg = (f: (r: ReplyReport) => number): string => (reports.reduce((s, r) => s + f(r), 0) / n).toFixed(1);
  const tags = reports.reduce((s, r) => s + r.tags, 0);
  const invalid = reports.reduce((s, r) => s + r.invalidTags, 0);
  lines.push('', `average length ${avg((r) => r.chars)} chars, ${avg((r) => r.sentences)} sentences; tags ${tags} (${invalid} invalid); replies with violations ${reports.filter((r) => r.violations.length).length}/${reports.length}; mean latency ${avg((r) => r.ms)} ms`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`eval failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
