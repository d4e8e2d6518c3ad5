/**
 * Cluster-supplied text (Status messages, violation messages, Argo CD conditions, object names)
 * ends up on terminals, in logs and in files people open in terminals and viewers
 * (`cat findings.csv`): C0 and C1 control characters in it could recolour, move the cursor or
 * retitle the terminal. Two variants: one line for terminal output and messages, line structure
 * kept for files (CSV cells and HTML may be multi-line).
 */

const LINE_BREAKS = /[\t\n\v\f\r]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
// The same class without /g: test() of a global expression keeps state between calls.
const HAS_CONTROL_CHARACTER = new RegExp(CONTROL_CHARACTERS.source);

/** One line: line breaks and tabs become spaces, every other control character (U+0000–U+001F, U+007F–U+009F) goes. */
export function withoutControlCharacters(text: string): string {
  // Nearly all text has none: one scan instead of two replacing passes.
  if (!HAS_CONTROL_CHARACTER.test(text)) return text;
  return text.replace(LINE_BREAKS, ' ').replace(CONTROL_CHARACTERS, '');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// What withoutTerminalControls changes: CR and the control characters it removes (not tab or LF).
const HAS_TERMINAL_CONTROL = new RegExp(CONTROL_EXCEPT_LINES.source);

/**
 * The text with CRLF and lone CR turned into LF and every other control character
 * (U+0000–U+001F except tab and LF, U+007F–U+009F) removed.
 */
export function withoutTerminalControls(text: string): string {
  if (!HAS_TERMINAL_CONTROL.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(CONTROL_EXCEPT_LINES, '');
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of plain data (objects, arrays, strings) with withoutTerminalControls applied to every
 * string, keys included; anything else (numbers, class instances) is kept as it is.
 */
export function withoutTerminalControlsDeep<T>(value: T): T {
  return cleanValue(value) as T;
}

function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return withoutTerminalControls(value);
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [withoutTerminalControls(key), cleanValue(entry)]),
    );
  }
  return value;
}

/** The first line of a (library's) message: YAML and other parsers append multi-line source snippets. */
export function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').replace(/:\s*$/, '');
}
