import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

/** Percentile (0..100) of a list of numbers, by nearest rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface BenchRow {
  [column: string]: string | number | boolean | null;
}

export interface BenchResult {
  name: string;
  /** What was measured and how, in one or two sentences. */
  description: string;
  rows: BenchRow[];
  /** Goals from the issue, with whether they were met. */
  goals?: Array<{ metric: string; goal: string; value: number | string; met: boolean }>;
  notes?: string[];
}

export function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  return { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memory_gb: Math.round(os.totalmem() / 2 ** 30) };
}

/** Renders rows as a Markdown table (also readable in a terminal). */
export function markdownTable(rows: readonly BenchRow[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 4 : 2)) : v === null || v === undefined ? '' : String(v));
  const lines = [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${cols.map((c) => fmt(r[c])).join(' | ')} |`);
  return lines.join('\n');
}

/** Prints the table and writes `benchmarks/results/<name>.json` and `<name>.md`. */
export function writeResult(result: BenchResult): string {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(dir, { recursive: true });
  const payload = { ...result, machine: machineInfo(), date: new Date().toISOString() };
  const file = path.join(dir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  let md = `## ${result.name}\n\n${result.description}\n\n${markdownTable(result.rows)}\n`;
  if (result.goals?.length) md += `\n${markdownTable(result.goals.map((g) => ({ metric: g.metric, goal: g.goal, value: g.value, met: g.met ? 'yes' : 'no' })))}\n`;
  if (result.notes?.length) md += `\n${result.notes.map((n) => `- ${n}`).join('\n')}\n`;
  const m = payload.machine;
  md += `\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Node ${m.node}, ${payload.date}\n`;
  writeFileSync(path.join(dir, `${result.name}.md`), md);
  process.stdout.write(`${md}\nwrote ${path.relative(process.cwd(), file)}\n`);
  return file;
}
