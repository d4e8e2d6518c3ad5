import { ConfigError } from '../core/errors.js';
import { prepareOutputDirectory } from '../core/outputDirectory.js';
import { DirectoryLedgerStore } from './directoryStore.js';
import { withInjectedFaults } from './faultInjection.js';
import { parseS3Location } from './s3Location.js';
import type { LedgerStore } from './store.js';

export interface OpenStoreOptions {
  /** An S3-compatible endpoint (`--s3-endpoint`); path-style addressing is then used. */
  s3Endpoint?: string;
  region?: string;
}

/**
 * The store named by `--store`: `s3://bucket/prefix` is S3 (standard AWS configuration, or the
 * given endpoint), anything else a directory (created on the first write). The S3 store and the
 * AWS SDK are loaded only for an S3 location: a command on a directory ledger does without them.
 *
 * @example
 * const store = await openStore('s3://audit-ledger/prod', { region: 'eu-west-1' });
 * const local = await openStore('./ledger');
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<LedgerStore> {
  return withInjectedFaults(await openStoreAt(location, options));
}

async function openStoreAt(location: string, options: OpenStoreOptions): Promise<LedgerStore> {
  const s3 = parseS3Location(location, '--store');
  if (s3) {
    const { createS3Client, S3LedgerStore } = await import('./s3Store.js');
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
 * const store = await openStore(flags.store);
 * await prepareStore(store);
 */
export async function prepareStore(store: LedgerStore): Promise<void> {
  if (store instanceof DirectoryLedgerStore) await prepareOutputDirectory('--store', store.location);
  else await store.checkAccess?.();
}
