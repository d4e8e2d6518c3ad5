/**
 * A multi-document YAML stream of plain JSON data (objects, arrays, strings, numbers, booleans,
 * null) in block style, every string double-quoted: what the policy report files are written as.
 *
 * Why not the `yaml` package, which parses every YAML fleetledger reads: building its node tree
 * for every value took 12 s per file for a cluster with 20,000 namespaces (60,000 results), most
 * of a report's time. The data here is JSON and always written the same way, which needs none of
 * that: a JSON string is a valid YAML double-quoted scalar (YAML's escapes include all of JSON's),
 * so strings are written with JSON.stringify, plus the three line separators YAML would otherwise
 * fold (U+0085, U+2028, U+2029) escaped. Keys are plain when they cannot be misread, quoted
 * otherwise. Tests check the stream parses back with the `yaml` package to the same data.
 */

/** A key YAML reads as the same string when plain: no indicator, no number, boolean or null look-alike. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const KEYWORD = /^(?:true|false|yes|no|on|off|null|y|n)$/i;

function quoted(text: string): string {
  return JSON.stringify(text).replace(
    /[\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// The same few keys come back in every result: each is looked at once.
const keys = new Map<string, string>();

function key(name: string): string {
  let written = keys.get(name);
  if (written === undefined) {
    written = PLAIN_KEY.test(name) && !KEYWORD.test(name) ? name : quoted(name);
    // Bounded: keys a cluster wrote (labels, annotations) are not remembered past a few thousand.
    if (keys.size < 4096) keys.set(name, written);
  }
  return written;
}

function scalar(value: unknown): string | null {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quoted(String(value));
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : null;
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '{}' : null;
  return quoted(String(value));
}

/** Lines of a non-empty collection, each at `indent`. */
function block(value: object, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      const inline = scalar(item);
      if (inline !== null) {
        out.push(`${indent}- ${inline}`);
        continue;
      }
      // The item's first line goes after the dash; the rest line up under it.
      const start = out.length;
      block(item as object, `${indent}  `, out);
      out[start] = `${indent}- ${out[start]!.slice(indent.length + 2)}`;
    }
    return;
  }
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const inline = scalar(item);
    if (inline !== null) {
      out.push(`${indent}${key(name)}: ${inline}`);
    } else {
      out.push(`${indent}${key(name)}:`);
      block(item as object, `${indent}  `, out);
    }
  }
}

/**
 * One YAML document per object, each opened by `---`.
 *
 * @example
 * yamlStream([{ kind: 'ClusterPolicyReport', results: [{ resultID: 'abc' }] }]);
 * // '---\nkind: "ClusterPolicyReport"\nresults:\n  - resultID: "abc"\n'
 */
export function yamlStream(objects: Iterable<object>): string {
  return [...yamlDocuments(objects)].join('');
}

/**
 * The stream one document at a time (joined: yamlStream), so a file of 34 MB is written into the
 * store as it is rendered. Each document's lines are joined on their own: a stream of 60,000
 * results is some 2 million lines, and one array of them all lived long enough to be copied by
 * every garbage collection.
 */
export function* yamlDocuments(objects: Iterable<object>): Generator<string> {
  for (const object of objects) {
    const out = ['---'];
    const inline = scalar(object);
    if (inline !== null) out.push(inline);
    else block(object, '', out);
    // A few hundred lines at a time: a document of 500 results joined whole (some 300 KB) is a
    // large object, which lives until a full collection however soon it is written.
    for (let start = 0; start < out.length; start += LINES_PER_PIECE) {
      yield `${out.slice(start, start + LINES_PER_PIECE).join('\n')}\n`;
    }
  }
}

const LINES_PER_PIECE = 500;
