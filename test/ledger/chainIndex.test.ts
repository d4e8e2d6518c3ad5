/**
 * The chain index (src/ledger/chainIndex.ts), which runs wrote before the heads index: a ledger
 * holding them still works (the first run reads every manifest, then leaves a heads index), and
 * verify still checks every chain index against the manifests it describes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainIndexEntryOf } from '../../src/ledger/chainIndex.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { CHAIN_INDEX_PREFIX, chainIndexKey, snapshotPrefix } from '../../src/ledger/keys.js';
import { LedgerRun } from '../../src/ledger/ledgerRun.js';
import { readManifests, writeManifest } from '../../src/ledger/manifest.js';
import { encodeJson, sha256Hex } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { CountingStore } from '../support/countingStore.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';
import { makeSnapshot } from '../support/snapshotFixture.js';

const RUNS = 12;
const hour = (i: number) => utc('2026-11-02T00:00:00.000Z').plus({ hours: i }).toISO()!;

let dir: string;
let store: DirectoryLedgerStore;
let keys: TestKeyPair;

beforeAll(async () => {
  keys = await testKeyPair();
});
afterAll(async () => {
  await rm(keys.dir, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chain-index-'));
  store = new DirectoryLedgerStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runs(count: number, signer: TestKeyPair['signer'] | null = null) {
  const done = [];
  for (let i = 0; i < count; i++) done.push(await snapshotRun(store, hour(i), ['lab'], signer));
  return done;
}

/** A snapshot run's preparation through a counting view: what it read, and what it follows. */
async function prepareCounted(runAt: string, signer: TestKeyPair['signer'] | null = null) {
  const counting = new CountingStore(store);
  const run = await LedgerRun.prepare(counting, {
    kind: 'snapshot',
    runAt: utc(runAt),
    scope: { keys: [], prefixes: [snapshotPrefix('lab')] },
    signer,
    backfill: false,
  });
  const snapshot = await writeSnapshot(run.store, makeSnapshot({ meta: { cluster: 'lab', collectionStart: runAt } }));
  const records = await run.finish([snapshot]);
  const manifest = (await readManifests(store)).manifests.find((m) => m.key === records!.manifest.key)!.manifest;
  return { read: counting.manifestsRead, manifest, records: records! };
}

describe('the chain index', () => {
  it('works on a ledger whose newest manifest records a chain index: one full read, then the heads index', async () => {
    // Prepare: runs, then a run as earlier versions wrote it: its manifest records the chain index.
    const earlier = await runs(RUNS);
    const index = encodeJson({
      format: 'fleetledger-chain-index',
      formatVersion: 1,
      manifests: (await readManifests(store)).manifests.map(chainIndexEntryOf),
    });
    const indexKey = chainIndexKey(utc(hour(RUNS)), sha256Hex(index).slice(0, 16));
    await store.put(indexKey, index, { contentType: 'application/json' });
    const old = await writeManifest(
      store,
      {
        runAt: utc(hour(RUNS)),
        kind: 'snapshot',
        written: [{ key: indexKey, size: index.byteLength, sha256: sha256Hex(index) }],
        follow: [earlier.at(-1)!.records.manifest],
      },
      null,
    );

    const first = await prepareCounted(hour(RUNS + 1));
    const second = await prepareCounted(hour(RUNS + 2));

    expect(new Set(first.read).size).toBe(RUNS + 1);
    expect(first.manifest.previous).toEqual({ key: old.manifest.key, sha256: old.manifest.sha256 });
    expect(second.read).toEqual([first.records.manifest.key]);
    expect((await verifyLedger(store)).problems).toEqual([]);
  });

  it('is checked by verify against the manifests it describes', async () => {
    // Prepare: a consistent forgery: an index that lies about a manifest's hash, recorded by a manifest.
    const earlier = await runs(3);
    const lie = encodeJson({
      format: 'fleetledger-chain-index',
      formatVersion: 1,
      manifests: (await readManifests(store)).manifests
        .map(chainIndexEntryOf)
        .map((entry, i) => (i === 0 ? { ...entry, sha256: '0'.repeat(64) } : entry)),
    });
    const lieKey = `${CHAIN_INDEX_PREFIX}2026-11-03T00-00-00.000Z-${sha256Hex(lie).slice(0, 16)}.json`;
    await store.put(lieKey, lie, { contentType: 'application/json' });
    await writeManifest(
      store,
      {
        runAt: utc(hour(3)),
        kind: 'snapshot',
        written: [{ key: lieKey, size: lie.byteLength, sha256: sha256Hex(lie) }],
        follow: [earlier.at(-1)!.records.manifest],
      },
      null,
    );

    const verify = await verifyLedger(store);

    expect(verify.problems).toEqual([
      {
        kind: 'chain-index',
        key: lieKey,
        detail: `describes ${earlier[0]!.records.manifest.key} otherwise than the manifest says`,
      },
    ]);
  });

  it('never serves evidence: a report run reads every manifest', async () => {
    await runs(RUNS);
    const counting = new CountingStore(store);

    const run = await LedgerRun.prepare(counting, {
      kind: 'report',
      runAt: utc(hour(RUNS)),
      scope: { keys: [], prefixes: [] },
      signer: null,
      backfill: false,
    });

    expect(new Set(counting.manifestsRead).size).toBe(RUNS);
    expect([...run.evidence.keys()].filter((key) => key.startsWith('snapshots/')).length).toBe(RUNS);
  });
});
