/**
 * `doctor` for the ledger: can it be opened, can runs write to it, and is it write-once (S3 Object
 * Lock). Nothing is written: a probe object would stay forever in a write-once ledger, so an S3
 * store's writability is left to the first run, and a directory's is checked by permission.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { DirectoryLedgerStore } from '../ledger/directoryStore.js';
import { S3LedgerStore } from '../ledger/s3Store.js';
import type { LedgerStore } from '../ledger/store.js';

export interface StoreDiagnosis {
  location: string;
  /** false: runs cannot use it; `problem` says why. */
  ok: boolean;
  reachable: string;
  writable: string;
  objectLock: string;
  problem: string | null;
}

async function writableDirectory(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function diagnoseDirectory(store: DirectoryLedgerStore): Promise<StoreDiagnosis> {
  const path = resolve(store.location);
  const base = { location: store.location, objectLock: 'n/a (a directory: keep it on write-once storage or use S3)' };
  const info = await stat(path).catch(() => null);
  if (info === null) {
    // The first run creates it: fine when the nearest existing parent can be written.
    let parent = dirname(path);
    while (!(await stat(parent).catch(() => null))) parent = dirname(parent);
    const ok = await writableDirectory(parent);
    return {
      ...base,
      ok,
      reachable: 'does not exist yet',
      writable: ok ? `will be created in ${parent}` : `cannot be created: ${parent} is not writable`,
      problem: ok ? null : `${store.location}: cannot be created: ${parent} is not writable`,
    };
  }
  if (!info.isDirectory()) {
    return {
      ...base,
      ok: false,
      reachable: 'not a directory',
      writable: 'no',
      problem: `${store.location} is not a directory`,
    };
  }
  const ok = await writableDirectory(path);
  return {
    ...base,
    ok,
    reachable: 'yes',
    writable: ok ? 'yes' : 'no',
    problem: ok ? null : `${store.location}: the directory is not writable`,
  };
}

async function diagnoseS3(store: S3LedgerStore): Promise<StoreDiagnosis> {
  try {
    await store.checkAccess();
  } catch (error) {
    const problem = errorMessage(error);
    return {
      location: store.location,
      ok: false,
      reachable: 'no',
      writable: 'unknown',
      objectLock: 'unknown',
      problem,
    };
  }
  const lock = await store.objectLockState();
  const objectLock =
    lock.state === 'enabled'
      ? `enabled${lock.mode ? `, default ${lock.mode}` : ''}${lock.days ? ` ${lock.days} days` : ''}${lock.years ? ` ${lock.years} years` : ''}`
      : lock.state === 'disabled'
        ? 'not enabled: objects can be deleted by whoever holds the credentials'
        : `unknown (${lock.reason})`;
  return {
    location: store.location,
    ok: true,
    reachable: 'yes (listed)',
    writable: 'not probed (a probe object would stay in a write-once ledger)',
    objectLock,
    problem: null,
  };
}

export function diagnoseStore(store: LedgerStore): Promise<StoreDiagnosis> {
  if (store instanceof DirectoryLedgerStore) return diagnoseDirectory(store);
  if (store instanceof S3LedgerStore) return diagnoseS3(store);
  return Promise.resolve({
    location: store.location,
    ok: true,
    reachable: 'unknown',
    writable: 'unknown',
    objectLock: 'unknown',
    problem: null,
  });
}
