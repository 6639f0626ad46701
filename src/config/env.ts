import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { registerSecret } from '../logging/redact.ts';

/**
 * Runtime settings from the environment (and `.env`), for scripts, tests and deployments.
 * conf.yaml says how the character behaves; these say where the daemon lives.
 */
export interface RuntimeSettings {
  host: string;
  port: number;
  configPath: string;
  charactersDir: string;
  dataDir: string;
  modelsDir: string;
  adminToken: string | undefined;
  /** Token a non-loopback client needs to send input; falls back to the admin token. */
  inputToken: string | undefined;
  /** Overrides `plugins.enabled` from conf.yaml when set (comma list; empty string = none). */
  plugins: string[] | undefined;
  logLevel: string | undefined;
  /** `APP_DEBUG=1`: debug lines also go to DATA_DIR/logs/debug*.log, kept 7 days. */
  debug: boolean;
  /** The project root (where package.json, characters/, prompts/ and frontend/ live). */
  rootDir: string;
}

const EnvSchema = z.object({
  VTUBER_HOST: z.string().min(1).default('127.0.0.1'),
  VTUBER_PORT: z.coerce.number().int().min(0).max(65535).default(12393),
  VTUBER_CONFIG: z.string().min(1).optional(),
  VTUBER_CHARACTERS_DIR: z.string().min(1).optional(),
  VTUBER_DATA_DIR: z.string().min(1).default('./data'),
  VTUBER_MODELS_DIR: z.string().min(1).default('./models'),
  VTUBER_ADMIN_TOKEN: z.string().optional(),
  VTUBER_INPUT_TOKEN: z.string().optional(),
  VTUBER_PLUGINS: z.string().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  APP_DEBUG: z.enum(['', '0', '1', 'true', 'false']).optional(),
});

/** The nearest folder above `from` with a package.json: the project, from src/ or from dist/src/. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

export const ROOT_DIR = packageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** True when running the compiled daemon (`npm start`, from dist/), false when tsx runs the sources. */
export const RUNNING_COMPILED = import.meta.url.endsWith('.js');

/** Reads `.env` (without overriding real environment variables) and returns frozen settings. */
export function loadRuntimeSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Readonly<RuntimeSettings> {
  const dotenvPath = path.join(cwd, '.env');
  if (env === process.env && existsSync(dotenvPath)) loadDotenv({ path: dotenvPath, quiet: true });
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `environment variable ${i.path.join('.')}: ${i.message}`);
    throw new Error(lines.join('\n'));
  }
  const e = parsed.data;
  const blankToUndefined = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);
  for (const token of [e.VTUBER_ADMIN_TOKEN, e.VTUBER_INPUT_TOKEN]) if (token?.trim()) registerSecret(token);
  return Object.freeze({
    host: e.VTUBER_HOST,
    port: e.VTUBER_PORT,
    configPath: path.resolve(cwd, e.VTUBER_CONFIG ?? 'conf.yaml'),
    charactersDir: path.resolve(cwd, e.VTUBER_CHARACTERS_DIR ?? path.join(ROOT_DIR, 'characters')),
    dataDir: path.resolve(cwd, e.VTUBER_DATA_DIR),
    modelsDir: path.resolve(cwd, e.VTUBER_MODELS_DIR),
    adminToken: blankToUndefined(e.VTUBER_ADMIN_TOKEN),
    inputToken: blankToUndefined(e.VTUBER_INPUT_TOKEN) ?? blankToUndefined(e.VTUBER_ADMIN_TOKEN),
    plugins:
      e.VTUBER_PLUGINS === undefined
        ? undefined
        : e.VTUBER_PLUGINS.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    debug: e.APP_DEBUG === '1' || e.APP_DEBUG === 'true',
    rootDir: ROOT_DIR,
  });
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * A secret (token, password) from the environment, trimmed; undefined when unset or blank. The value
 * is registered with the log scrubber, so it is blanked out of any log line that would carry it.
 */
export function readSecret(envName: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[envName]?.trim();
  if (!value) return undefined;
  registerSecret(value);
  return value;
}
