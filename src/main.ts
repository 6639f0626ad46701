import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRuntimeSettings } from './config/env.ts';
import { ConfigError } from './config/config-error.ts';
import { ensureConfigFile, loadConfigFor, printConfigError } from './bootstrap.ts';
import { startDaemon } from './daemon.ts';
import { createLogger, logDirFor } from './logging/logger.ts';

/** Exit codes: 0 clean stop, 1 crash, 2 bad configuration. */
const SHUTDOWN_DEADLINE_MS = 4500;

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadRuntimeSettings();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const created = ensureConfigFile(settings);
  let loaded;
  try {
    loaded = loadConfigFor(settings);
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      process.exit(2);
    }
    throw err;
  }
  const { config } = loaded;
  const logging = await createLogger({
    level: settings.logLevel ?? config.logging.level,
    ...(config.logging.file.enabled ? { fileDir: logDirFor(settings.dataDir) } : {}),
    maxSizeMb: config.logging.file.max_size_mb,
    retentionDays: config.logging.file.retention_days,
    console: config.logging.console_pretty ? 'pretty' : 'json',
    debugFile: settings.debug,
  });
  const log = logging.log.child({ component: 'daemon' });
  if (created) log.info({ event: 'config.created', path: settings.configPath }, 'created conf.yaml from the template');
  if (loaded.migration.migrated) {
    log.warn({ event: 'config.migrated', from: loaded.migration.fromVersion, backup: loaded.migration.backupPath, steps: loaded.migration.steps }, 'migrated conf.yaml to the current layout');
  }

  process.on('unhandledRejection', (reason) => log.error({ event: 'process.unhandled_rejection', err: reason }, 'unhandled promise rejection'));

  let daemon;
  try {
    daemon = await startDaemon({ settings, loaded, log: logging.log, accessLog: logging.access });
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      await logging.close();
      process.exit(2);
    }
    log.fatal({ event: 'daemon.start_failed', err }, 'daemon failed to start');
    await logging.close();
    process.exit(1);
  }
  mkdirSync(settings.dataDir, { recursive: true });
  const pidFile = path.join(settings.dataDir, 'daemon.pid');
  writeFileSync(pidFile, `${process.pid}\n`);
  process.on('exit', () => rmSync(pidFile, { force: true }));
  process.stdout.write(`\n  VTuber engine ${config.character.display_name} is live: ${daemon.url}/\n  OBS overlay: ${daemon.url}/?overlay=1   admin: ${daemon.url}/admin\n\n`);

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    const deadline = setTimeout(() => {
      log.error({ event: 'daemon.shutdown_deadline', ms: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed, exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    daemon
      .stop(signal)
      .then(() => logging.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ event: 'daemon.stop_failed', err }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void main();
