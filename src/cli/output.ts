/**
 * What every command prints goes through here, so that --quiet, --verbose, colours, progress and
 * a closed pipe behave the same in each:
 * - results (tables, summaries) on stdout, suppressed by --quiet unless they are a machine format
 *   the user asked for (--format json|sarif|junit, metrics): a gate run with --quiet says nothing
 *   but its exit status and errors;
 * - notes and warnings on stderr, suppressed by --quiet;
 * - colours only when the stream is a terminal, never with NO_COLOR (coloursOn);
 * - a live status line on stderr only on a terminal, never with --quiet.
 */
import { styleText } from 'node:util';
import { Option } from 'commander';

export interface OutputSettings {
  /** --quiet: errors and requested machine formats only. */
  readonly quiet: boolean;
  /** --verbose: the log at info level, stack traces of unexpected errors. */
  readonly verbose: boolean;
}

let settings: OutputSettings = { quiet: false, verbose: false };

/** Set once per CLI run from the global options (main.ts), before the command's action. */
export function configureOutput(next: OutputSettings): void {
  settings = next;
}

export function outputSettings(): OutputSettings {
  return settings;
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/** Human-readable result lines on stdout (nothing with --quiet). */
export function printLines(...lines: string[]): void {
  if (settings.quiet || lines.length === 0) return;
  process.stdout.write(withNewline(lines.join('\n')));
}

/** A machine-readable document the user asked for (--format json, SARIF, metrics): always printed. */
export function printDocument(text: string): void {
  process.stdout.write(withNewline(text));
}

export function printJson(value: unknown): void {
  printDocument(JSON.stringify(value, null, 2));
}

/** A note or warning on stderr (nothing with --quiet). */
export function printNote(...lines: string[]): void {
  if (settings.quiet || lines.length === 0) return;
  process.stderr.write(withNewline(lines.join('\n')));
}

/** An error line on stderr, always printed ("error:" in red on a terminal). */
export function printError(message: string): void {
  process.stderr.write(`${paint('bad', 'error:', process.stderr)} ${message}\n`);
}

export type Tone = 'good' | 'bad' | 'warn' | 'dim' | 'strong';
const STYLES: Record<Tone, Parameters<typeof styleText>[0]> = {
  good: 'green',
  bad: 'red',
  warn: 'yellow',
  dim: 'dim',
  strong: 'bold',
};

/**
 * Whether to colour what goes to `stream`: never with NO_COLOR (any non-empty value, as
 * no-color.org says, and it wins over FORCE_COLOR); with FORCE_COLOR (not 0) even into a pipe;
 * otherwise only on a terminal. Decided here rather than by styleText's stream check, so NO_COLOR
 * wins and the rule is one place.
 */
export function coloursOn(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return stream.isTTY === true;
}

/** Text in a colour when `stream` (default stdout) takes colours (coloursOn); plain otherwise. */
export function paint(
  tone: Tone,
  text: string,
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return coloursOn(stream, env) ? styleText(STYLES[tone], text, { validateStream: false }) : text;
}

/** The tone of a severity or status word, for tables. */
export function toneOf(word: string): Tone | null {
  switch (word) {
    case 'critical':
    case 'high':
    case 'fail':
    case 'denied':
    case 'unreachable':
      return 'bad';
    case 'medium':
    case 'warn':
    case 'partial':
      return 'warn';
    case 'ok':
    case 'pass':
      return 'good';
    default:
      return null;
  }
}

/**
 * A live status line on stderr ("[2/5] checking prod-east") while long work runs, only on a
 * terminal and without --quiet; finished items are printed above it by the caller.
 */
export interface StatusLine {
  show(text: string): void;
  clear(): void;
}

export function createStatusLine(stream: NodeJS.WriteStream = process.stderr): StatusLine {
  const live = stream.isTTY === true && !settings.quiet;
  let shown = false;
  return {
    show(text) {
      if (!live) return;
      stream.write(`\r\u001b[2K${text.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
      shown = true;
    },
    clear() {
      if (live && shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}

/** `--format <format>` with its choices (a wrong one is a usage error naming them) and default. */
export function formatOption(formats: readonly string[], defaultFormat = formats[0] ?? 'text'): Option {
  return new Option('--format <format>', `output format: ${formats.join(', ')}`)
    .choices(formats)
    .default(defaultFormat);
}

/**
 * `rules | head -1`: the reader went away. Ends the process quietly (exit 0, as ripgrep does)
 * instead of an unhandled EPIPE with a stack trace; other stream errors keep their default.
 */
const PIPE_HANDLED = Symbol.for('fleetledger.endQuietlyOnClosedPipe');
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr] as (NodeJS.WriteStream & { [PIPE_HANDLED]?: true })[]) {
    // Marked on the stream, not in a module variable: main() runs many times in one test process.
    if (stream[PIPE_HANDLED]) continue;
    stream[PIPE_HANDLED] = true;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
