/**
 * The one logger: plain lines on stderr (stdout is for results), JSON lines when
 * FLEETLEDGER_LOG_FORMAT=json (Lambda). Callers pass messages that hold no secret material;
 * cluster-supplied text is passed through JSON.stringify in json mode.
 */
import { ConfigError } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const LOG_LEVELS = Object.keys(order) as LogLevel[];
const LOG_FORMATS = ['text', 'json'] as const;

/**
 * FLEETLEDGER_LOG_LEVEL and FLEETLEDGER_LOG_FORMAT, checked: a misspelt value is a ConfigError
 * naming the variable and the values it takes, not a silently ignored setting. Unset or empty:
 * undefined (the caller's default). Case-insensitive.
 */
export function logSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): {
  level: LogLevel | undefined;
  json: boolean | undefined;
} {
  const problems: string[] = [];
  const level = env['FLEETLEDGER_LOG_LEVEL']?.trim().toLowerCase() || undefined;
  if (level !== undefined && !(LOG_LEVELS as string[]).includes(level)) {
    problems.push(
      `FLEETLEDGER_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${env['FLEETLEDGER_LOG_LEVEL']}"`,
    );
  }
  const format = env['FLEETLEDGER_LOG_FORMAT']?.trim().toLowerCase() || undefined;
  if (format !== undefined && !(LOG_FORMATS as readonly string[]).includes(format)) {
    problems.push(
      `FLEETLEDGER_LOG_FORMAT: expected one of ${LOG_FORMATS.join(', ')}, got "${env['FLEETLEDGER_LOG_FORMAT']}"`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems[0] ?? '', problems);
  return { level: level as LogLevel | undefined, json: format === undefined ? undefined : format === 'json' };
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  options: { level?: LogLevel; json?: boolean; write?: (line: string) => void } = {},
): Logger {
  const fromEnvironment =
    options.level !== undefined && options.json !== undefined ? null : logSettingsFromEnvironment();
  const level = options.level ?? fromEnvironment?.level ?? 'info';
  const json = options.json ?? fromEnvironment?.json ?? false;
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log =
    (at: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (order[at] < order[level]) return;
      if (json) {
        write(JSON.stringify({ level: at, time: new Date().toISOString(), message, ...fields }));
      } else {
        const extra = Object.entries(fields)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        write(extra ? `${message} ${extra}` : message);
      }
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that records lines, for tests that assert what was logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: 'debug', json: false, write: (l) => lines.push(l) }), { lines });
}

/**
 * The logger with fields added to every line (a run's id, a cluster's name), so a run can be
 * followed across functions and containers (CloudWatch Logs Insights, Filebeat/ELK). A line's own
 * fields win over the context's.
 *
 * @example
 * const log = withLogContext(logger, { runId: 'scheduled-2026-11-23', cluster: 'prod-east' });
 * log.info('snapshot stored', { key }); // {"level":"info",...,"runId":"scheduled-2026-11-23","cluster":"prod-east","key":...}
 */
export function withLogContext(logger: Logger, context: Record<string, unknown>): Logger {
  const at =
    (level: keyof Logger) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      logger[level](message, { ...context, ...fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
