import { AppConfig } from '../config/app-config';
import { ConfigError, loadConfig } from '../config/load-config';

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
