/**
 * A multi-document YAML stream of plain JSON data (objects, arrays, strings, numbers, booleans,
 * null): what the policy report files are written as. The top of each document is in block style
 * (`kind: "ClusterPolicyReport"`, `results:`) and each item of a sequence that is itself a mapping
 * or a sequence (a policy report's result) is one line in flow style:
 * `  - {"policy":"QUOTA-MISSING","result":"fail",...}`.
 *
 * Why not the `yaml` package, which parses every YAML fleetledger reads: building its node tree
 * for every value took 12 s per file for a cluster with 20,000 namespaces (60,000 results), most
 * of a report's time. Why a result on one line: written line by line in block style, the two
 * policy report files of 50,000 namespaces (150,000 results, 86 MB each) took 7 s of a report's
 * 23; a result is one JSON.stringify call. YAML 1.2 is a superset of JSON and YAML 1.1 readers
 * (Go's, PyYAML) read JSON flow collections too: a JSON string is a valid YAML double-quoted
 * scalar (YAML's escapes include all of JSON's), so every string is written as JSON writes it,
 * plus the three line separators YAML would otherwise fold (U+0085, U+2028, U+2029) escaped. Keys
 * of the block part are plain when they cannot be misread, quoted otherwise. Tests check the
 * stream parses back, as YAML 1.1 and 1.2, to the same data.
 */

/** A key YAML reads as the same string when plain: no indicator, no number, boolean or null look-alike. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const KEYWORD = /^(?:true|false|yes|no|on|off|null|y|n)$/i;

const LINE_SEPARATORS = /[\u0085\u2028\u2029]/g;

/** JSON text (of a string or a whole collection) as YAML reads it: the line separators escaped. */
function asYaml(json: string): string {
  return json.replace(LINE_SEPARATORS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const quoted = (text: string): string => asYaml(JSON.stringify(text));

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
      out.push(`${indent}- ${scalar(item) ?? asYaml(JSON.stringify(item))}`);
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
 * // '---\nkind: "ClusterPolicyReport"\nresults:\n  - {"resultID":"abc"}\n'
 */
export function yamlStream(objects: Iterable<object>): string {
  return [...yamlDocuments(objects)].join('');
}

/**
 * The stream one document at a time (joined: yamlStream), so a file of 86 MB is written into the
 * store as it is rendered. Each document's lines are joined on their own: one array of a whole
 * stream's lines lived long enough to be copied by every garbage collection.
 */
export function* yamlDocuments(objects: Iterable<object>): Generator<string> {
  for (const object of objects) {
    const out = ['---'];
    const inline = scalar(object);
    if (inline !== null) out.push(inline);
    else block(object, '', out);
    // A hundred lines at a time: a document of 500 results joined whole (some 300 KB) is a large
    // object, which lives until a full collection however soon it is written.
    for (let start = 0; start < out.length; start += LINES_PER_PIECE) {
      yield `${out.slice(start, start + LINES_PER_PIECE).join('\n')}\n`;
    }
  }
}

const LINES_PER_PIECE = 100;
