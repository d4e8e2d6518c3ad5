import { createLogger, type Logger, type LogLevel } from '../core/logger.js';

/**
 * The CLI's logger. Commands print their own per-cluster lines and summaries, which already name
 * every unreachable cluster, forbidden section and skipped object, so the log only shows errors
 * unless FLEETLEDGER_LOG_LEVEL asks for more (Lambda handlers log at info, as JSON).
 */
export function cliLogger(): Logger {
  const level = (process.env['FLEETLEDGER_LOG_LEVEL'] as LogLevel | undefined) || 'error';
  return createLogger({ level });
}
