/**
 * An output directory (`--out`) is checked, and created, before any work: finding out it is
 * unusable after the report was stored (write-once) would leave the run half done.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { firstLine } from './text.js';

/**
 * Creates the directory (and its parents) unless it exists, and checks it can be written to.
 * Returns the absolute path; ConfigError naming the flag and the problem otherwise.
 *
 * @example
 * const outDir = await prepareOutputDirectory('--out', flags.out);
 */
export async function prepareOutputDirectory(flag: string, dir: string): Promise<string> {
  const absolute = resolve(dir);
  try {
    await mkdir(absolute, { recursive: true });
    if (!(await stat(absolute)).isDirectory()) throw new Error('not a directory');
    await access(absolute, constants.W_OK);
  } catch (error) {
    throw new ConfigError(`${flag}: cannot use ${dir} as an output directory: ${firstLine(messageOf(error))}`);
  }
  return absolute;
}

// Node's fs errors come from another realm under some runners (instanceof Error fails there).
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}
