/**
 * JSON text in pieces: byte for byte what `JSON.stringify(value, null, indent)` gives, without the
 * whole text as one string. report.json (32 MB) and assessment-results.json (76 MB) of a cluster
 * with 60,000 findings are written into the store piece by piece (writeTextPieces), so each file's
 * text is never held next to the document it is rendered from.
 *
 * The containers of the first `depth` levels are written here, member by member; each value below
 * them is one JSON.stringify call, indented to its place. Only plain objects and arrays are opened
 * (anything with a toJSON, such as a Date, is left to JSON.stringify), so the rules of
 * JSON.stringify that apply at the opened levels are few: a value it writes as nothing (undefined,
 * a function, a symbol) leaves its member out of an object and is null in an array.
 */

/** About how long each piece is (in UTF-16 code units): a few hundred findings. */
const PIECE_LENGTH = 1 << 16;

export interface JsonPiecesOptions {
  /** Spaces per level, as JSON.stringify's third argument (0: one line). */
  indent?: number;
  /** How many levels of containers are opened (1: the top-level object's members each become a piece). */
  depth: number;
  /** End with a line break, as a file does. */
  newline?: boolean;
  /**
   * Each item of an opened array that is not opened itself is written on one line, without
   * indentation (`JSON.stringify(item)`): a list of 150,000 findings reads a finding per line, and
   * is written in two thirds of the bytes and the time. The text is then not JSON.stringify's.
   */
  itemsOnOneLine?: boolean;
}

/**
 * @example
 * for (const piece of jsonPieces(doc, { indent: 2, depth: 2 })) stream.write(piece);
 * // the pieces joined === JSON.stringify(doc, null, 2) (with newline: and a '\n')
 */
export function* jsonPieces(value: unknown, options: JsonPiecesOptions): Generator<string> {
  let buffered: string[] = [];
  let length = 0;
  const layout = { indent: ' '.repeat(options.indent ?? 0), itemsOnOneLine: options.itemsOnOneLine ?? false };
  for (const part of parts(value, '', layout, options.depth, false)) {
    buffered.push(part);
    length += part.length;
    if (length >= PIECE_LENGTH) {
      yield buffered.join('');
      buffered = [];
      length = 0;
    }
  }
  if (options.newline) buffered.push('\n');
  if (buffered.length > 0) yield buffered.join('');
}

function isOpenable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** A value JSON.stringify writes as a whole, indented as if it began at `pad` (undefined: written as nothing). */
function leaf(value: unknown, pad: string, indent: string): string | undefined {
  const text = JSON.stringify(value, null, indent) as string | undefined;
  if (text === undefined) return undefined;
  // JSON text has no line break but those of its indentation (strings escape theirs).
  return pad === '' || indent === '' ? text : text.replaceAll('\n', `\n${pad}`);
}

/**
 * An array whose items are made as they are written, each let go once written: for arrays too
 * large to hold (the OSCAL document's findings). Opened at any depth; only jsonPieces writes it.
 */
export class JsonItems {
  constructor(readonly items: () => Iterable<unknown>) {}
}

interface Layout {
  indent: string;
  itemsOnOneLine: boolean;
}

function* parts(value: unknown, pad: string, layout: Layout, depth: number, isItem: boolean): Generator<string> {
  const { indent } = layout;
  if (value instanceof JsonItems) {
    yield* arrayParts(value.items(), pad, layout, depth);
    return;
  }
  if (depth <= 0 || !isOpenable(value)) {
    // In an array (or at the top), what JSON.stringify writes as nothing is null.
    yield leaf(value, pad, isItem && layout.itemsOnOneLine ? '' : indent) ?? 'null';
    return;
  }
  const inner = pad + indent;
  const separator = indent === '' ? ',' : `,\n${inner}`;
  const opening = indent === '' ? '' : `\n${inner}`;
  const closing = indent === '' ? '' : `\n${pad}`;
  if (Array.isArray(value)) {
    yield* arrayParts(value, pad, layout, depth);
    return;
  }
  const colon = indent === '' ? ':' : ': ';
  let first = true;
  for (const [name, member] of Object.entries(value)) {
    const opened = member instanceof JsonItems || (depth > 1 && isOpenable(member));
    // A value JSON.stringify writes as nothing (undefined, or a toJSON that returns it) leaves its member out.
    const text = opened ? undefined : leaf(member, inner, indent);
    if (!opened && text === undefined) continue;
    yield `${first ? `{${opening}` : separator}${JSON.stringify(name)}${colon}`;
    first = false;
    if (text !== undefined) yield text;
    else yield* parts(member, inner, layout, depth - 1, false);
  }
  yield first ? '{}' : `${closing}}`;
}

function* arrayParts(items: Iterable<unknown>, pad: string, layout: Layout, depth: number): Generator<string> {
  const { indent } = layout;
  const inner = pad + indent;
  let first = true;
  for (const item of items) {
    yield first ? (indent === '' ? '[' : `[\n${inner}`) : indent === '' ? ',' : `,\n${inner}`;
    first = false;
    yield* parts(item, inner, layout, depth - 1, true);
  }
  yield first ? '[]' : indent === '' ? ']' : `\n${pad}]`;
}
