/**
 * Cluster-supplied text (violation messages, Argo CD conditions, object names) ends up in files
 * people open in terminals and viewers (`cat findings.csv`, report.html in a pager): escape
 * sequences in it could recolour, move the cursor or retitle the terminal. Line structure is
 * kept (CSV cells and HTML may be multi-line); every other control character goes.
 *
 * Note for the lead: src/collect/controlCharacters.ts `withoutControlCharacters` is the
 * one-line variant (line breaks become spaces); the two can live together here.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The text with CRLF and lone CR turned into LF and every other control character
 * (U+0000–U+001F except tab and LF, U+007F–U+009F) removed.
 */
export function withoutTerminalControls(text: string): string {
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

/**
 * The URL-like text with its user information (`user:password@`) replaced by `***@`, for echoing
 * a flag back in an error. Works on text that does not parse as a URL too: everything between
 * `://` (or the start) and the last `@` goes, so a password with `/` or `@` in it is masked whole.
 *
 * @example
 * withMaskedCredentials('smpt://mailer:s3cret@mail:25') // 'smpt://***@mail:25'
 */
export function withMaskedCredentials(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const schemeEnd = text.indexOf('://');
  const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
  return `${text.slice(0, start)}***${text.slice(at)}`;
}

/** The first line of a (library's) message: YAML and other parsers append multi-line source snippets. */
export function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').replace(/:\s*$/, '');
}
