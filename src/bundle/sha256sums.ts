/**
 * The bundle's SHA256SUMS, in the GNU coreutils format `sha256sum -c` reads: one line per file,
 * the hex SHA-256, two spaces (text mode, which on POSIX reads the same bytes as binary mode) and
 * the path relative to the bundle's folder. Ledger keys never need coreutils' backslash escapes
 * (no backslash, no newline: see keys.ts), so a line that uses them is not one fleetledger wrote.
 */
import { compareKeys, keyProblemOf } from '../ledger/keys.js';

export interface ChecksumLine {
  path: string;
  sha256: string;
}

/** The SHA256SUMS text of the files, in key order. */
export function formatSha256Sums(files: readonly ChecksumLine[]): string {
  return [...files]
    .sort((a, b) => compareKeys(a.path, b.path))
    .map((file) => `${file.sha256}  ${file.path}\n`)
    .join('');
}

export interface ParsedSha256Sums {
  /** Each listed path with its SHA-256 (lower-case hex). */
  sums: Map<string, string>;
  /** Lines that are not `<64 hex digits> <space or *><relative path>`, or repeat a path, named by line number. */
  problems: string[];
}

const LINE = /^([0-9a-fA-F]{64}) [ *](.+)$/;

/** Reads SHA256SUMS strictly: a path that could leave the bundle's folder is a problem, never a file to check. */
export function parseSha256Sums(text: string): ParsedSha256Sums {
  const sums = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    const match = LINE.exec(line);
    if (!match) {
      problems.push(`${where}: expected "<SHA-256 in hex>  <path>"`);
      return;
    }
    const [, sha256, path] = match as unknown as [string, string, string];
    const problem = keyProblemOf(path);
    if (problem) {
      problems.push(`${where}: ${JSON.stringify(path)} is not a path inside the bundle: ${problem}`);
    } else if (sums.has(path)) {
      problems.push(`${where}: ${path} is listed twice`);
    } else {
      sums.set(path, sha256.toLowerCase());
    }
  });
  return { sums, problems };
}
