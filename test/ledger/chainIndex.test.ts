/**
 * The chain index (src/ledger/chainIndex.ts): a snapshot run reads the newest manifest, the index
 * it records and the heads, not every manifest ever written; an index that is missing, altered,
 * naming a manifest that is gone, older than the manifests written since, or recorded by a
 * manifest the run's key did not sign is never believed over the manifests; verify checks every
 * index against the manifests it describes.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainIndex, chainIndexEntryOf } from '../../src/ledger/chainIndex.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { ForwardingLedgerStore } from '../../src/ledger/forwardingStore.js';
import { CHAIN_INDEX_PREFIX, parseManifestKey, snapshotPrefix } from '../../src/ledger/keys.js';
import { LedgerRun } from '../../src/ledger/ledgerRun.js';
import { type Manifest, readManifests, writeManifest } from '../../src/ledger/manifest.js';
import { encodeJson, sha256Hex } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';
import { makeSnapshot } from '../support/snapshotFixture.js';

/** Counts the manifests read (get), the rest passes through. */
class CountingStore extends ForwardingLedgerStore {
  manifestsRead: string[] = [];
  override get(key: string): Promise<Uint8Array> {
    if (parseManifestKey(key)) this.manifestsRead.push(key);
    return super.get(key);
  }
}

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

const indexKeyOf = (manifest: Manifest) => manifest.objects.find((o) => o.key.startsWith(CHAIN_INDEX_PREFIX))!.key;

describe('the chain index', () => {
  it('lets a snapshot run on a ledger of many runs read only the newest manifest', async () => {
    const earlier = await runs(RUNS);
    const head = earlier.at(-1)!.records.manifest;

    const { read, manifest } = await prepareCounted(hour(RUNS));

    expect(read).toEqual([head.key]);
    expect(manifest.previous).toEqual({ key: head.key, sha256: head.sha256 });
    expect(manifest.alsoFollows).toBeUndefined();
  });

  it('is recorded by the run that writes it and describes every manifest before that run', async () => {
    await runs(3);
    const before = (await readManifests(store)).manifests;

    const { manifest, records } = await prepareCounted(hour(3));
    const index = ChainIndex.parse(JSON.parse(new TextDecoder().decode(await store.get(indexKeyOf(manifest)))));

    expect(indexKeyOf(manifest)).toBe(records.index.key);
    expect(index.manifests).toEqual(before.map(chainIndexEntryOf));
    expect((await verifyLedger(store)).problems).toEqual([]);
  });

  it('reads every manifest when the newest manifest records no index, or its index is gone', async () => {
    const earlier = await runs(RUNS);
    const head = earlier.at(-1)!.records;
    await unlink(join(dir, head.index.key));

    const { read, manifest } = await prepareCounted(hour(RUNS));

    expect(new Set(read).size).toBe(RUNS);
    expect(manifest.previous).toEqual({ key: head.manifest.key, sha256: head.manifest.sha256 });
  });

  it('does not use an index altered after it was recorded, and verify names it', async () => {
    // Prepare: the forger rewrites the newest index as it stood three runs ago (hiding two runs).
    const earlier = await runs(RUNS);
    const head = earlier.at(-1)!.records;
    const stale = await store.get(earlier.at(-3)!.records.index.key);
    await writeFile(join(dir, head.index.key), stale);

    const { read, manifest } = await prepareCounted(hour(RUNS));
    const verify = await verifyLedger(store);

    expect(new Set(read).size).toBe(RUNS);
    expect(manifest.previous).toEqual({ key: head.manifest.key, sha256: head.manifest.sha256 });
    expect(verify.problems.filter((p) => p.key === head.index.key).map((p) => p.kind)).toEqual(['altered']);
  });

  it('does not use an index naming a manifest the store no longer holds', async () => {
    const earlier = await runs(RUNS);
    await unlink(join(dir, earlier[4]!.records.manifest.key));

    const { read } = await prepareCounted(hour(RUNS));

    expect(new Set(read).size).toBe(RUNS - 1);
  });

  it('reads the manifests written since the index: a backfilled run joined after it is followed', async () => {
    // Prepare: a manifest with an earlier key than the newest, following the newest (as a
    // --backfill run does), written without an index: the newest manifest's index does not know it.
    const earlier = await runs(RUNS);
    const head = earlier.at(-1)!.records.manifest;
    const backfill = await writeManifest(
      store,
      { runAt: utc(hour(1)).plus({ minutes: 30 }), kind: 'snapshot', written: [], follow: [head], backfill: true },
      null,
    );

    const { read, manifest } = await prepareCounted(hour(RUNS));

    expect(read.sort()).toEqual([head.key, backfill.manifest.key].sort());
    expect(manifest.previous).toEqual({ key: backfill.manifest.key, sha256: backfill.manifest.sha256 });
  });

  it('is not used by a signing run when the newest manifest is not signed with its key', async () => {
    // Prepare: signed runs, then a forger's manifest on top recording an index that hides them.
    const earlier = await runs(RUNS, keys.signer);
    const lie = encodeJson({ format: 'fleetledger-chain-index', formatVersion: 1, manifests: [] });
    const lieKey = `${CHAIN_INDEX_PREFIX}2026-11-03T00-00-00.000Z-${sha256Hex(lie).slice(0, 16)}.json`;
    await store.put(lieKey, lie, { contentType: 'application/json' });
    await writeManifest(
      store,
      {
        runAt: utc(hour(RUNS)),
        kind: 'snapshot',
        written: [{ key: lieKey, size: lie.byteLength, sha256: sha256Hex(lie) }],
        follow: [earlier.at(-1)!.records.manifest],
      },
      null,
    );

    const { read, manifest } = await prepareCounted(hour(RUNS + 1), keys.signer);

    expect(new Set(read).size).toBe(RUNS + 1);
    // The signed run follows its own chain's head, never the forger's manifest.
    expect(manifest.previous?.key).toBe(earlier.at(-1)!.records.manifest.key);
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
