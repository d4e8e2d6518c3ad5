/**
 * The embedded ledger: a directory on the local disk, one file per key.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertValidKey, assertValidPrefix, compareKeys } from './keys.js';
import {
  type LedgerStore,
  ObjectExistsError,
  ObjectNotFoundError,
  type PutOptions,
  type PutResult,
  type StoredObjectInfo,
} from './store.js';

// Temporary files start with this; list() skips them (a crashed writer may leave one behind).
const TEMP_PREFIX = '.tmp-';

function isErrno(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Evidence must survive a crash: the bytes reach the disk before the name points at them. */
async function writeDurably(path: string, body: Uint8Array): Promise<void> {
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
   * reader never sees a half-written one (unlike rename(), which replaces silently).
   */
  async put(key: string, body: Uint8Array, _options: PutOptions): Promise<PutResult> {
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
      if (sameBytes(await readFile(path), body)) return 'unchanged';
      throw new ObjectExistsError(key);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'EISDIR') || isErrno(error, 'ENOTDIR')) {
        throw new ObjectNotFoundError(key);
      }
      throw error;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size } : null;
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    assertValidPrefix(prefix);
    // Walk only the deepest directory the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const found: StoredObjectInfo[] = [];
    await this.walk(folder, found);
    return found.filter((object) => object.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  }

  private async walk(folder: string, found: StoredObjectInfo[]): Promise<void> {
    const directory = folder === '' ? this.root : join(this.root, ...folder.split('/'));
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return;
      throw error;
    }
    for (const entry of entries) {
      // A backslash cannot be part of a key (see keys.ts): such a file was not written by the ledger.
      if (entry.name.startsWith(TEMP_PREFIX) || entry.name.includes('\\')) continue;
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        await this.walk(key, found);
      } else if (entry.isFile()) {
        const info = await stat(join(directory, entry.name));
        found.push({ key, size: info.size });
      }
    }
  }
}
