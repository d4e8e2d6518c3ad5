import { createLogger, type Logger, logSettingsFromEnvironment } from '../core/logger.js';
import { outputSettings } from './output.js';

/**
 * The CLI's logger. Commands print their own per-cluster lines and summaries, which already name
 * every unreachable cluster, forbidden section and skipped object, so the log only shows errors
 * unless FLEETLEDGER_LOG_LEVEL asks for more, or --verbose (info) does (Lambda handlers log at
 * info, as JSON). An invalid FLEETLEDGER_LOG_LEVEL or FLEETLEDGER_LOG_FORMAT is a ConfigError.
 */
export function cliLogger(): Logger {
  const environment = logSettingsFromEnvironment();
  const level = environment.level ?? (outputSettings().verbose ? 'info' : 'error');
  return createLogger({ level, json: environment.json ?? false });
}
