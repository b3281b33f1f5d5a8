import { AppConfig } from '../config/app-config';
import { ConfigError, loadConfig } from '../config/load-config';
import { DataDirInUseError, lockDataDir } from '../database/data-dir-lock';

/** Loads the configuration or stops the process with one line naming the bad variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`goodword: invalid configuration: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/**
 * With SQLite, takes DATA_DIR for this process or stops it with one line (exit 75, EX_TEMPFAIL): a second
 * server or CLI would otherwise fail later with "database is locked". PostgreSQL needs no lock.
 */
export function lockDataDirOrExit(config: AppConfig): void {
  if (config.dialect !== 'sqlite') return;
  try {
    lockDataDir(config.dataDir);
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`goodword: ${error.message}\n`);
      process.exit(75);
    }
    throw error;
  }
}
