/**
 * An output directory (`--out`) is checked, and created, before any work: finding out it is
 * unusable after the report was stored (write-once) would leave the run half done. Files are
 * written into it by writeOutputFile, the one way output files are written.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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

/**
 * Writes one file of an output directory without ever following a link planted there: the bytes
 * go to a new file created exclusively ('wx': O_CREAT|O_EXCL, which refuses any existing name,
 * a symbolic link included) in the same directory, which is then renamed over the name. A
 * symbolic or hard link at the name is replaced, its target never written; a reader sees the old
 * file or the new one, never half of it. A directory in the way fails (EISDIR) and nothing is left.
 *
 * @example
 * await writeOutputFile(outDir, 'report.html', html);
 */
export async function writeOutputFile(dir: string, name: string, content: string | Uint8Array): Promise<void> {
  const file = await stageOutputFile(dir, name);
  try {
    await file.write(content);
  } catch (error) {
    await file.discard();
    throw error;
  }
  await file.commit();
}

/** A file of an output directory being written (see writeOutputFile): nobody sees it before commit(). */
export interface StagedOutputFile {
  /** Appends to the file's temporary copy. */
  write(content: string | Uint8Array): Promise<void>;
  /** Renames the temporary copy over the name (a failure removes it). */
  commit(): Promise<void>;
  /** Removes the temporary copy; the name is left as it was. */
  discard(): Promise<void>;
}

/**
 * Opens a file of an output directory to be written in parts (a report file copied as it is
 * stored), in place when commit() is called, as writeOutputFile writes a whole one.
 */
export async function stageOutputFile(dir: string, name: string): Promise<StagedOutputFile> {
  // One file of the directory, never a path into another one.
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new Error(`not a file name: "${name}"`);
  }
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  const discard = async () => {
    await close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  };
  return {
    write: async (content) => {
      await handle.writeFile(content);
    },
    commit: async () => {
      try {
        await close();
        await rename(temp, join(dir, name));
      } catch (error) {
        await discard();
        throw error;
      }
    },
    discard,
  };
}

// Node's fs errors come from another realm under some runners (instanceof Error fails there).
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}
