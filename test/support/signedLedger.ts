/**
 * Signed runs for the ledger tests: a key pair on disk (as `fleetledger keygen` writes it) and
 * snapshot runs written the way `snapshot` writes them (LedgerRun: opening, snapshots, signature,
 * manifest), without starting clusters.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { snapshotPrefix } from '../../src/ledger/keys.js';
import { LedgerRun, type RunRecords } from '../../src/ledger/ledgerRun.js';
import type { WrittenObject } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { generateSigningKeyFiles, readSigningKeyFile } from '../../src/signing/keyFiles.js';
import type { LocalKeySigner, VerificationKey } from '../../src/signing/signer.js';
import { makeSnapshot } from './snapshotFixture.js';

export interface TestKeyPair {
  dir: string;
  privateKeyFile: string;
  publicKeyFile: string;
  signer: LocalKeySigner;
  key: VerificationKey;
}

export async function testKeyPair(): Promise<TestKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetledger-key-'));
  const files = await generateSigningKeyFiles(dir);
  const signer = readSigningKeyFile('test', files.privateKey);
  return {
    dir,
    privateKeyFile: files.privateKey,
    publicKeyFile: files.publicKey,
    signer,
    key: await signer.verificationKey(),
  };
}

export const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

/** A snapshot run at `runAt` of the clusters (each collected at runAt), signed when a signer is given. */
export async function snapshotRun(
  store: LedgerStore,
  runAt: string,
  clusters: readonly string[],
  signer: LocalKeySigner | null,
  options: { backfill?: boolean } = {},
): Promise<{ records: RunRecords; written: WrittenObject[] }> {
  const run = await LedgerRun.prepare(store, {
    kind: 'snapshot',
    runAt: utc(runAt),
    scope: { keys: [], prefixes: clusters.map((cluster) => snapshotPrefix(cluster)) },
    signer,
    backfill: options.backfill ?? false,
  });
  const written: WrittenObject[] = [];
  for (const cluster of clusters) {
    written.push(await writeSnapshot(run.store, makeSnapshot({ meta: { cluster, collectionStart: runAt } })));
  }
  const records = await run.finish(written);
  if (!records) throw new Error('the run wrote nothing');
  return { records, written };
}
