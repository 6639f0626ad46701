import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { loadRuntimeSettings, ROOT_DIR } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config-schema.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { StageDefinition } from '../../src/plugin-host/define-stage.ts';

export interface TestDaemonOptions {
  /** conf.yaml content: an object (dumped as YAML) or raw YAML text. */
  config?: Record<string, unknown> | string;
  /** Extra environment (VTUBER_ADMIN_TOKEN, VTUBER_HOST...). VTUBER_PORT defaults to 0 (a free port). */
  env?: Record<string, string>;
  /** Built-in stages to start; default none, so each test starts what it checks. */
  stages?: readonly StageDefinition[];
  pluginDirs?: readonly string[];
  logLevel?: string;
  /** Keep log lines in memory for `logs()` (default true); off, the daemon logs only to its files, as in production. */
  captureLogs?: boolean;
}

export interface TestDaemon {
  daemon: Daemon;
  url: string;
  wsUrl: string;
  dir: string;
  dataDir: string;
  /** Log lines captured in memory, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** Lines of the JSON log files under DATA_DIR/logs. */
  fileLogs(): string[];
  stop(): Promise<void>;
}

/** Starts a real daemon in-process on a free loopback port with a temporary config and data dir. */
export async function startTestDaemon(opts: TestDaemonOptions = {}): Promise<TestDaemon> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-test-'));
  const configPath = path.join(dir, 'conf.yaml');
  const config = opts.config ?? {};
  writeFileSync(configPath, typeof config === 'string' ? config : stringify(config));
  const env: NodeJS.ProcessEnv = {
    VTUBER_HOST: '127.0.0.1',
    VTUBER_PORT: '0',
    VTUBER_CONFIG: configPath,
    VTUBER_DATA_DIR: path.join(dir, 'data'),
    VTUBER_MODELS_DIR: process.env.VTUBER_MODELS_DIR ?? path.join(ROOT_DIR, 'models'),
    ...opts.env,
  };
  const settings = loadRuntimeSettings(env, dir);
  let loaded;
  try {
    loaded = loadConfig({ configPath, charactersDir: settings.charactersDir, pluginsOverride: settings.plugins });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const captured: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      captured.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const logging = await createLogger({ level: opts.logLevel ?? 'debug', fileDir: path.join(settings.dataDir, 'logs'), console: 'none', ...(opts.captureLogs === false ? {} : { extraStream: sink }) });
  let daemon: Daemon;
  try {
    daemon = await startDaemon({ settings, loaded, log: logging.log, accessLog: logging.access, stages: opts.stages ?? [], ...(opts.pluginDirs ? { pluginDirs: opts.pluginDirs } : {}) });
  } catch (err) {
    await logging.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    daemon,
    url: daemon.url,
    wsUrl: `${daemon.url.replace(/^http/, 'ws')}/ws`,
    dir,
    dataDir: settings.dataDir,
    logs: () => captured.map((l) => JSON.parse(l) as Record<string, unknown>),
    fileLogs: () => {
      const logDir = path.join(settings.dataDir, 'logs');
      if (!existsSync(logDir)) return [];
      return readdirSync(logDir)
        .filter((f) => f.startsWith('vtuber') && f.endsWith('.log'))
        .flatMap((f) => readFileSync(path.join(logDir, f), 'utf8').split('\n').filter(Boolean));
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await daemon.stop('test');
      await logging.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
