import { ConfigError } from '../core/errors.js';
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
  const s3 = parseS3Location(location);
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
