/**
 * The embedded ledger: a directory on the local disk, one file per key.
 */
import { randomBytes } from 'node:crypto';
import { constants, type Dirent, lstatSync } from 'node:fs';
import { type FileHandle, link, lstat, mkdir, open, readdir, readlink, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertValidKey, assertValidPrefix, compareKeys, keyProblemOf } from './keys.js';
import {
  type LedgerStore,
  ObjectExistsError,
  ObjectNotFoundError,
  type PutBody,
  type PutOptions,
  type PutResult,
  type StoredObjectInfo,
  type StoreEntry,
} from './store.js';

// Temporary files start with this; list() skips them (a crashed writer may leave one behind).
const TEMP_PREFIX = '.tmp-';

// The ledger is regular files only: an object is never read through a symbolic link, which could
// lead out of the store, and opening a planted FIFO must not wait for a writer (Windows has
// neither flag; there lstat in head() and list() still apply).
const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The bytes of a regular file; ObjectNotFoundError when there is none (a symbolic link counts as none). */
async function readRegularFile(path: string, key: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, READ_NO_FOLLOW);
    try {
      if (!(await handle.stat()).isFile()) throw new ObjectNotFoundError(key);
      const bytes = await handle.readFile();
      // A plain Uint8Array over the same memory: a copy doubled what a large report file costs to read.
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } finally {
      await handle.close();
    }
  } catch (error) {
    // ELOOP: the name is a symbolic link (O_NOFOLLOW).
    if (['ENOENT', 'EISDIR', 'ENOTDIR', 'ELOOP'].some((code) => isErrno(error, code))) {
      throw new ObjectNotFoundError(key);
    }
    throw error;
  }
}

/** Why a directory entry is no object (see StoreEntry.foreign), or null when it is one. */
async function foreignReason(entry: Dirent, path: string, key: string): Promise<string | null> {
  if (entry.isSymbolicLink()) return `a symbolic link (to ${JSON.stringify(await readlink(path))})`;
  if (!entry.isFile()) return 'not a regular file';
  if (entry.name.startsWith(TEMP_PREFIX)) return 'a temporary file (left by an interrupted write, or planted)';
  const problem = keyProblemOf(key);
  return problem ? `a name no ledger key can have (${problem})` : null;
}

function isErrno(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

// How much of two files is compared at a time: an object can be tens of megabytes (a report file).
const COMPARE_BLOCK = 1 << 20;

/**
 * Whether the regular file at `path` holds exactly the bytes of the file `written`, compared block
 * by block. False when the name holds no object (a symbolic link is not followed, as in get()).
 */
async function holdsSameBytes(path: string, written: string): Promise<boolean> {
  let existing: FileHandle;
  try {
    existing = await open(path, READ_NO_FOLLOW);
  } catch (error) {
    if (['ENOENT', 'EISDIR', 'ENOTDIR', 'ELOOP'].some((code) => isErrno(error, code))) return false;
    throw error;
  }
  try {
    const ours = await open(written, 'r');
    try {
      const [theirs, mine] = [await existing.stat(), await ours.stat()];
      if (!theirs.isFile() || theirs.size !== mine.size) return false;
      const a = Buffer.alloc(Math.min(COMPARE_BLOCK, theirs.size));
      const b = Buffer.alloc(a.length);
      for (let position = 0; position < theirs.size; ) {
        const { bytesRead } = await existing.read(a, 0, a.length, position);
        const { bytesRead: same } = await ours.read(b, 0, bytesRead, position);
        if (bytesRead === 0 || same !== bytesRead || !a.subarray(0, bytesRead).equals(b.subarray(0, bytesRead))) {
          return false;
        }
        position += bytesRead;
      }
      return true;
    } finally {
      await ours.close();
    }
  } finally {
    await existing.close();
  }
}

/**
 * Evidence must survive a crash: the bytes reach the disk before the name points at them. A body
 * in pieces is written piece by piece as it comes (FileHandle.writeFile takes an async iterable).
 */
async function writeDurably(path: string, body: PutBody): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DirectoryLedgerStore implements LedgerStore {
  readonly location: string;
  private readonly root: string;

  /** @param root the directory holding the ledger; created on the first write. */
  constructor(root: string) {
    this.root = resolve(root);
    this.location = root;
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  /**
   * Writes to a temporary file in the target directory, then hard-links it to the final name:
   * link() fails when the name exists, so a concurrent writer can never overwrite an object and a
   * reader never sees a half-written one (unlike rename(), which replaces silently). When the name
   * is taken, the object there is compared with the file just written, so a body in pieces is
   * never held whole for the comparison either.
   */
  async put(key: string, body: PutBody, _options: PutOptions): Promise<PutResult> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await writeDurably(temp, body);
      try {
        await link(temp, path);
        return 'created';
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
      }
      // Something that is no object (a symbolic link) holds the name: it is not overwritten either.
      if (await holdsSameBytes(path, temp)) return 'unchanged';
      throw new ObjectExistsError(key);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    return readRegularFile(this.pathOf(key), key);
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    try {
      const info = await lstat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size } : null;
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    assertValidPrefix(prefix);
    const found: StoreEntry[] = [];
    await this.walk('', found, prefix);
    return found
      .filter((entry) => entry.foreign === undefined && entry.key.startsWith(prefix))
      .map(({ key, size }) => ({ key, size }))
      .sort((a, b) => compareKeys(a.key, b.key));
  }

  async inventory(): Promise<StoreEntry[]> {
    const found: StoreEntry[] = [];
    await this.walk('', found, '');
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  /**
   * Every entry below the folder, descending only into directories on the way to `prefix` or
   * under it. Always from the root: a symbolic link is an entry of its own, never followed, and
   * no folder of a prefix is opened through one.
   */
  private async walk(folder: string, found: StoreEntry[], prefix: string): Promise<void> {
    const directory = folder === '' ? this.root : join(this.root, ...folder.split('/'));
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return;
      throw error;
    }
    const files: Array<Promise<StoreEntry>> = [];
    for (const entry of entries) {
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) await this.walk(key, found, prefix);
        continue;
      }
      if (!key.startsWith(prefix)) continue;
      files.push(this.fileEntry(entry, path, key));
    }
    // The files of a folder are looked at together: one at a time, a folder of 1,000 manifests took 0.6 s.
    found.push(...(await Promise.all(files)));
  }

  private async fileEntry(entry: Dirent, path: string, key: string): Promise<StoreEntry> {
    const foreign = await foreignReason(entry, path, key);
    // Synchronous: a promise per file made listing 1,000 manifests take 30 to 100 ms, a run lists them twice.
    return foreign !== null ? { key, size: 0, foreign } : { key, size: lstatSync(path).size };
  }
}
