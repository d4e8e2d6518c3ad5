/**
 * Configuration files (fleet file, waivers file, kubeconfig, a simulated fleet directory), read
 * one way:
 * - once, keeping their bytes, so that the run parses exactly the bytes the report records (path
 *   and SHA-256, see src/report/configuration.ts);
 * - as strict UTF-8: an invalid byte is an error naming its offset, never a silent U+FFFD;
 * - as YAML with the yaml package's own guards: its syntax and uniqueness errors, its alias limit
 *   (an alias bomb is one line, not a stack trace or gigabytes), and no `__proto__` key (plain
 *   objects would drop it silently, or take it for their prototype);
 * - every problem of a file at once, each on one line with its position and without quoting the
 *   file (a kubeconfig line may hold a token).
 */
import { readFileSync } from 'node:fs';
import { type Document, isAlias, isNode, isScalar, LineCounter, parseAllDocuments, type Tags, visit } from 'yaml';
import { ConfigError, errorMessage } from './errors.js';
import { firstLine } from './text.js';

export interface ConfigFile {
  /** Where it was read from, as the run was given it (a path, s3://bucket/key, a bundle path). */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The bytes as UTF-8 text. */
  readonly text: string;
}

/** Bytes that are not UTF-8 (a configuration file in another encoding, or a binary file). */
export class InvalidUtf8Error extends Error {
  override readonly name = 'InvalidUtf8Error';
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const REPLACEMENT_CHARACTER = '\uFFFD';
const ENCODED_REPLACEMENT_CHARACTER = Buffer.from(REPLACEMENT_CHARACTER);

/**
 * The text of UTF-8 bytes (a leading byte order mark dropped); InvalidUtf8Error naming the offset
 * and line of the first byte that is not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidByte(Buffer.from(bytes));
    const line = Buffer.from(bytes.subarray(0, offset)).toString('latin1').split('\n').length;
    throw new InvalidUtf8Error(`not valid UTF-8 at byte ${offset} (line ${line})`);
  }
}

/**
 * Where the first invalid sequence starts: the lenient decoding up to its first U+FFFD that the
 * bytes do not spell out themselves re-encodes to exactly the bytes before it.
 */
function firstInvalidByte(bytes: Buffer): number {
  const lenient = bytes.toString('utf8');
  let offset = 0;
  let from = 0;
  for (let at = lenient.indexOf(REPLACEMENT_CHARACTER); at >= 0; at = lenient.indexOf(REPLACEMENT_CHARACTER, at + 1)) {
    offset += Buffer.byteLength(lenient.slice(from, at));
    if (!bytes.subarray(offset, offset + 3).equals(ENCODED_REPLACEMENT_CHARACTER)) return offset;
    offset += ENCODED_REPLACEMENT_CHARACTER.length;
    from = at + 1;
  }
  return offset;
}

/** The file's bytes and text; ConfigError naming the file when the bytes are not UTF-8. */
export function configFileOf(path: string, bytes: Uint8Array): ConfigFile {
  try {
    return { path, bytes, text: decodeUtf8(bytes) };
  } catch (error) {
    if (error instanceof InvalidUtf8Error) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Reads a local file; ConfigError naming the flag or variable that pointed at it. */
export function readConfigFile(flag: string, path: string): ConfigFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${flag}: cannot read ${path}: ${errorMessage(error)}`);
  }
  return configFileOf(path, bytes);
}

/**
 * How far aliases may expand (the yaml package's own measure and default, stated here): far
 * beyond what a hand-written file reuses, far below what makes a validator walk millions of nodes.
 */
export const MAX_ALIAS_COUNT = 100;

export interface ConfigYamlOptions {
  /** Extra tags the file may use (the simulator's `!now`). */
  readonly customTags?: Tags;
}

/** One YAML document: its plain value when it has no problems; else each problem, without the file name. */
export type YamlDocumentValue =
  | { readonly value: unknown; readonly problems: readonly [] }
  | { readonly problems: readonly string[] };

/**
 * Every document of YAML text as plain data, or its problems (syntax, duplicate keys, unresolved
 * tags, `__proto__` keys, aliases expanding too far), each one line with its position.
 *
 * @example
 * for (const document of yamlDocumentsOf(text)) if ('value' in document) use(document.value);
 */
export function yamlDocumentsOf(text: string, options: ConfigYamlOptions = {}): YamlDocumentValue[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    // Errors carry "at line L, column C"; only their first line is kept (the rest quotes the file).
    prettyErrors: true,
    strict: true,
    uniqueKeys: true,
    ...(options.customTags ? { customTags: options.customTags } : {}),
  });
  return documents.map((document) => documentValue(document, lineCounter));
}

function documentValue(document: Document, lineCounter: LineCounter): YamlDocumentValue {
  const problems = [...document.errors, ...document.warnings].map(
    (problem) => `not valid YAML: ${firstLine(problem.message)}`,
  );
  visit(document, {
    Pair(_, pair) {
      // An alias as key (`*k: v`) stands for its anchor's value.
      const key = isAlias(pair.key) ? pair.key.resolve(document) : pair.key;
      if (isScalar(key) && key.value === '__proto__') {
        const { line, col } = lineCounter.linePos(isNode(pair.key) ? (pair.key.range?.[0] ?? 0) : 0);
        problems.push(`"__proto__" is not allowed as a key at line ${line}, column ${col}`);
      }
    },
  });
  if (problems.length > 0) return { problems };
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems: [] };
  } catch (error) {
    // The yaml package's guard against alias bombs throws a ReferenceError.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return {
        problems: [`not valid YAML: aliases expand too far (more than ${MAX_ALIAS_COUNT} times), as in an alias bomb`],
      };
    }
    return { problems: [`not valid YAML: ${firstLine(errorMessage(error))}`] };
  }
}

/**
 * The one YAML document of the text as plain data (null when there is none), or every problem
 * found, without the file name (for callers that name the file their own way, as kubeconfig errors do).
 */
export function yamlValueOf(
  text: string,
  options: ConfigYamlOptions = {},
): { readonly value: unknown } | { readonly problems: readonly string[] } {
  const documents = yamlDocumentsOf(text, options);
  const problems = documents.flatMap((document) => document.problems);
  if (documents.length > 1) problems.push(`expected one YAML document, found ${documents.length}`);
  if (problems.length > 0) return { problems };
  const [document] = documents;
  return { value: document && 'value' in document ? document.value : null };
}

/**
 * The one YAML document of a configuration file as plain data (null when the file is empty);
 * ConfigError listing every problem, each naming the file.
 *
 * @example
 * const document = parseConfigYaml(readConfigFile('--fleet', 'fleet.yaml'));
 */
export function parseConfigYaml(file: Pick<ConfigFile, 'path' | 'text'>, options: ConfigYamlOptions = {}): unknown {
  const parsed = yamlValueOf(file.text, options);
  if ('value' in parsed) return parsed.value;
  const problems = parsed.problems.map((problem) => `${file.path}: ${problem}`);
  throw new ConfigError(problems[0]!, problems);
}
