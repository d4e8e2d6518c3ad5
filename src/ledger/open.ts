import { ConfigError } from '../core/errors.js';
import { prepareOutputDirectory } from '../core/outputDirectory.js';
import { DirectoryLedgerStore } from './directoryStore.js';
import { withInjectedFaults } from './faultInjection.js';
import { createS3Client, parseS3Location, S3LedgerStore } from './s3Store.js';
import type { LedgerStore } from './store.js';

export interface OpenStoreOptions {
  /** An S3-compatible endpoint (`--s3-endpoint`); path-style addressing is then used. */
  s3Endpoint?: string;
  region?: string;
}

/**
 * The store named by `--store`: `s3://bucket/prefix` is S3 (standard AWS configuration, or the
 * given endpoint), anything else a directory (created on the first write).
 *
 * @example
 * const store = openStore('s3://audit-ledger/prod', { region: 'eu-west-1' });
 * const local = openStore('./ledger');
 */
export function openStore(location: string, options: OpenStoreOptions = {}): LedgerStore {
  return withInjectedFaults(openStoreAt(location, options));
}

function openStoreAt(location: string, options: OpenStoreOptions): LedgerStore {
  const s3 = parseS3Location(location, '--store');
  if (s3) {
    const client = createS3Client({
      ...(options.s3Endpoint ? { endpoint: options.s3Endpoint } : {}),
      ...(options.region ? { region: options.region } : {}),
    });
    return new S3LedgerStore(client, s3);
  }
  if (/^s3:/i.test(location)) {
    throw new ConfigError(`--store: expected s3://bucket[/prefix] or a directory, got "${location}"`);
  }
  return new DirectoryLedgerStore(location);
}

/**
 * Makes sure, before a run does any work, that the store can be used: a directory is created and
 * must be writable (ConfigError naming `--store`); an S3 store costs one cheap request (a listing of
 * at most one key under its prefix), so a missing bucket, rejected credentials or a refusing
 * endpoint are one line (OperationalError) before any cluster is contacted, not one per snapshot.
 *
 * @example
 * const store = openStore(flags.store);
 * await prepareStore(store);
 */
export async function prepareStore(store: LedgerStore): Promise<void> {
  if (store instanceof DirectoryLedgerStore) await prepareOutputDirectory('--store', store.location);
  else if (store instanceof S3LedgerStore) await store.checkAccess();
}
