/**
 * The heads index (src/ledger/headsIndex.ts): a snapshot run reads the newest manifest, the heads
 * index it records, the heads it names and what was written since, so what it reads does not grow
 * with the ledger's age; an index that is missing, altered, lying, recorded by a manifest a
 * signing run's key did not sign, or that does not account for every manifest listed is never
 * believed over the manifests; verify checks every heads index against the ledger.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainIndexEntryOf } from '../../src/ledger/chainIndex.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { HeadsIndex } from '../../src/ledger/headsIndex.js';
import { HEADS_INDEX_PREFIX, snapshotPrefix } from '../../src/ledger/keys.js';
import { LedgerRun } from '../../src/ledger/ledgerRun.js';
import { type Manifest, readManifests, recordRun, writeManifest } from '../../src/ledger/manifest.js';
import { encodeJson, sha256Hex } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { CountingStore } from '../support/countingStore.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';
import { makeSnapshot } from '../support/snapshotFixture.js';

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
  dir = await mkdtemp(join(tmpdir(), 'heads-index-'));
  store = new DirectoryLedgerStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runs(from: number, count: number, signer: TestKeyPair['signer'] | null = null) {
  const done = [];
  for (let i = from; i < from + count; i++) done.push(await snapshotRun(store, hour(i), ['lab'], signer));
  return done;
}

/** A snapshot run through a counting view: what it read, its manifest, and its records. */
async function countedRun(runAt: string, signer: TestKeyPair['signer'] | null = null) {
  const counting = new CountingStore(store);
  const run = await LedgerRun.prepare(counting, {
    kind: 'snapshot',
    runAt: utc(runAt),
    scope: { keys: [], prefixes: [snapshotPrefix('lab')] },
    signer,
    backfill: false,
  });
  const snapshot = await writeSnapshot(run.store, makeSnapshot({ meta: { cluster: 'lab', collectionStart: runAt } }));
  const records = (await run.finish([snapshot]))!;
  const manifest = (await readManifests(store)).manifests.find((m) => m.key === records.manifest.key)!.manifest;
  return { counting, manifest, records };
}

const headsIndexKeyOf = (manifest: Manifest) => manifest.objects.find((o) => o.key.startsWith(HEADS_INDEX_PREFIX))!.key;
const headsIndexOf = async (manifest: Manifest) =>
  HeadsIndex.parse(JSON.parse(new TextDecoder().decode(await store.get(headsIndexKeyOf(manifest)))));

/** Writes `index` as a forger would, recorded by a manifest following `follow`. */
async function forgedRun(index: unknown, runAt: string, follow: Parameters<typeof writeManifest>[1]['follow']) {
  const bytes = encodeJson(index);
  const key = `${HEADS_INDEX_PREFIX}${runAt.replaceAll(':', '-')}-${sha256Hex(bytes).slice(0, 16)}.json`;
  await store.put(key, bytes, { contentType: 'application/json' });
  const written = [{ key, size: bytes.byteLength, sha256: sha256Hex(bytes) }];
  return { key, ...(await writeManifest(store, { runAt: utc(runAt), kind: 'snapshot', written, follow }, null)) };
}

describe('the heads index', () => {
  it('lets a snapshot run read the same two objects whatever the ledger’s age', async () => {
    // Prepare: the same ledger at 14 runs and at 40 runs, hourly: at both ages the newest index
    // names the 12 runs inside its horizon (a run's window); only the counts grow.
    const youngHead = (await runs(0, 14)).at(-1)!.records;
    const young = await countedRun(hour(14));
    const oldHead = (await runs(15, 25)).at(-1)!.records;
    const old = await countedRun(hour(40));

    expect(young.counting.read).toEqual([youngHead.manifest.key, youngHead.index.key]);
    expect(old.counting.read).toEqual([oldHead.manifest.key, oldHead.index.key]);
    // The manifests differ only in their keys' hashes; the index only in the counts' digits.
    expect(old.counting.bytesRead - young.counting.bytesRead).toBeLessThanOrEqual(16);
    expect(old.records.index.size).toBeLessThan(3 * 1024);
  });

  it('is recorded by the run that writes it and says what the run listed', async () => {
    const earlier = await runs(0, 3);

    const { manifest, records } = await countedRun(hour(14));
    const index = await headsIndexOf(manifest);

    expect(headsIndexKeyOf(manifest)).toBe(records.index.key);
    expect(index).toEqual({
      format: 'fleetledger-heads-index',
      formatVersion: 1,
      horizon: hour(2),
      // Three manifests before it, the one of hour 2 inside the run's window.
      manifests: { count: 3, recent: [earlier[2]!.records.manifest.key] },
      openings: { count: 4, recent: [earlier[2]!.records.opening.key, manifest.opening!.key], unfinished: [] },
      heads: [],
    });
    expect((await verifyLedger(store)).problems).toEqual([]);
  });

  it('reads every manifest when the newest manifest records no heads index, or its index is gone', async () => {
    const earlier = await runs(0, 6);
    const head = earlier.at(-1)!.records;
    await unlink(join(dir, head.index.key));

    const { counting, manifest } = await countedRun(hour(6));

    expect(new Set(counting.manifestsRead).size).toBe(6);
    expect(manifest.previous).toEqual({ key: head.manifest.key, sha256: head.manifest.sha256 });
  });

  it('works on a ledger written before it: the first run reads everything, the next one two objects', async () => {
    // Prepare: runs recorded without any index (as by earlier versions).
    for (let i = 0; i < 5; i++) await recordRun(store, { runAt: utc(hour(i)), kind: 'snapshot', written: [] });

    const first = await countedRun(hour(5));
    const second = await countedRun(hour(6));

    expect(new Set(first.counting.manifestsRead).size).toBe(5);
    expect(second.counting.read).toEqual([first.records.manifest.key, first.records.index.key]);
    expect(second.manifest.previous).toEqual({
      key: first.records.manifest.key,
      sha256: first.records.manifest.sha256,
    });
    expect((await verifyLedger(store)).problems).toEqual([]);
  });

  it('does not use an index altered after it was recorded, and verify names it', async () => {
    // Prepare: the forger rewrites the newest index as it stood three runs ago.
    const earlier = await runs(0, 6);
    const head = earlier.at(-1)!.records;
    await writeFile(join(dir, head.index.key), await store.get(earlier.at(-3)!.records.index.key));

    const { counting, manifest } = await countedRun(hour(6));
    const verify = await verifyLedger(store);

    expect(new Set(counting.manifestsRead).size).toBe(6);
    expect(manifest.previous).toEqual({ key: head.manifest.key, sha256: head.manifest.sha256 });
    expect(verify.problems.filter((p) => p.key === head.index.key)).toEqual([
      expect.objectContaining({ kind: 'altered' }),
      { kind: 'heads-index', key: head.index.key, detail: `counts 3 manifests, but ${head.manifest.key} follows 5` },
    ]);
  });

  it('reads the manifests written since: a concurrent run the index does not know is followed too', async () => {
    // Prepare: a run at 03:30, then the manifest of a concurrent run at 03:00 that read the chain
    // before it (it follows the 02:00 head): the newest index does not name it.
    const earlier = await runs(0, 3);
    const newest = await snapshotRun(store, utc(hour(3)).plus({ minutes: 30 }).toISO()!, ['lab'], null);
    const concurrent = await writeManifest(
      store,
      { runAt: utc(hour(3)), kind: 'snapshot', written: [], follow: [earlier.at(-1)!.records.manifest] },
      null,
    );

    const { counting, manifest } = await countedRun(hour(4));

    expect(counting.read).toEqual([newest.records.manifest.key, newest.records.index.key, concurrent.manifest.key]);
    expect([manifest.previous!.key, ...(manifest.alsoFollows ?? []).map((link) => link.key)].sort()).toEqual(
      [newest.records.manifest.key, concurrent.manifest.key].sort(),
    );
  });

  it('reads every manifest when one was written before the horizon since the index (a backfill)', async () => {
    // Prepare: a manifest keyed before the newest index's horizon, following the newest (as a
    // --backfill run does), written without an index: the newest index does not account for it.
    const earlier = await runs(0, 20);
    const head = earlier.at(-1)!.records.manifest;
    const backfill = await writeManifest(
      store,
      { runAt: utc(hour(1)).plus({ minutes: 30 }), kind: 'snapshot', written: [], follow: [head], backfill: true },
      null,
    );

    const { counting, manifest } = await countedRun(hour(20));

    expect(new Set(counting.manifestsRead).size).toBe(21);
    expect(manifest.previous).toEqual({ key: backfill.manifest.key, sha256: backfill.manifest.sha256 });
  });

  it('is not used by a signing run when the newest manifest is not signed with its key', async () => {
    // Prepare: signed runs, then a forger's manifest on top recording an index that hides them.
    const earlier = await runs(0, 6, keys.signer);
    const head = earlier.at(-1)!.records;
    const lie = { ...(await headsIndexOf((await readManifests(store)).manifests.at(-1)!.manifest)), heads: [] };
    await forgedRun(lie, hour(6), [head.manifest]);

    const { counting, manifest } = await countedRun(hour(7), keys.signer);

    expect(new Set(counting.manifestsRead).size).toBe(7);
    // The signed run follows its own chain's head, never the forger's manifest.
    expect(manifest.previous?.key).toBe(head.manifest.key);
  });

  it('is not followed when it names a head otherwise than the manifest says, and verify names it', async () => {
    // Prepare: a consistent forgery: a recorded index naming an old manifest as a head, with a forged hash.
    const earlier = await runs(0, 6);
    const stored = (await readManifests(store)).manifests;
    const honest = await headsIndexOf(stored.at(-1)!.manifest);
    const planted = { ...chainIndexEntryOf(stored[0]!), sha256: '0'.repeat(64) };
    const forged = await forgedRun(
      {
        ...honest,
        manifests: { ...honest.manifests, count: 6, recent: stored.slice(-6).map((m) => m.key) },
        heads: [planted],
      },
      hour(6),
      [earlier.at(-1)!.records.manifest],
    );

    const { counting, manifest } = await countedRun(hour(7));
    const verify = await verifyLedger(store);

    expect(new Set(counting.manifestsRead).size).toBe(7);
    expect(manifest.previous).toEqual({ key: forged.manifest.key, sha256: forged.manifest.sha256 });
    expect(manifest.alsoFollows).toBeUndefined();
    expect(verify.problems).toEqual([
      {
        kind: 'heads-index',
        key: forged.key,
        detail: `describes ${stored[0]!.key} otherwise than the manifest says`,
      },
    ]);
  });

  it('is not followed when it names as a head a manifest its run follows, and verify names it', async () => {
    // Prepare: a recorded index naming the manifest before the newest, described truly, as a head.
    const earlier = await runs(0, 6);
    const stored = (await readManifests(store)).manifests;
    const honest = await headsIndexOf(stored.at(-1)!.manifest);
    const forged = await forgedRun(
      {
        ...honest,
        manifests: { ...honest.manifests, count: 6, recent: stored.slice(-6).map((m) => m.key) },
        heads: [chainIndexEntryOf(stored.at(-1)!)],
      },
      hour(6),
      [earlier.at(-1)!.records.manifest],
    );

    const { counting, manifest } = await countedRun(hour(7));
    const verify = await verifyLedger(store);

    expect(new Set(counting.manifestsRead).size).toBe(7);
    expect(manifest.previous).toEqual({ key: forged.manifest.key, sha256: forged.manifest.sha256 });
    expect(manifest.alsoFollows).toBeUndefined();
    expect(verify.problems).toEqual([
      {
        kind: 'heads-index',
        key: forged.key,
        detail: `names ${stored.at(-1)!.key} as a head, but ${forged.manifest.key} follows it`,
      },
    ]);
  });

  it('carries an interrupted run’s opening until a run after its window closes it', async () => {
    // Prepare: a run that opened and wrote a snapshot, then died; two runs inside its window.
    await runs(0, 2);
    const dying = await LedgerRun.prepare(store, {
      kind: 'snapshot',
      runAt: utc(hour(2)),
      scope: { keys: [], prefixes: [snapshotPrefix('lost')] },
      signer: null,
      backfill: false,
    });
    const left = await writeSnapshot(
      dying.store,
      makeSnapshot({ meta: { cluster: 'lost', collectionStart: hour(2) } }),
    );
    const opening = await dying.opened();
    await runs(3, 1);

    const inside = await countedRun(hour(4));
    const after = await countedRun(hour(14));
    const verify = await verifyLedger(store);

    expect(inside.counting.read).toEqual([inside.counting.read[0], inside.counting.read[1], opening.key]);
    expect((await headsIndexOf(inside.manifest)).openings.unfinished).toEqual([opening.key]);
    expect(after.manifest.closes).toEqual([
      {
        opening: { key: opening.key, sha256: opening.sha256 },
        abandoned: [{ key: left.key, size: left.size, sha256: left.sha256 }],
      },
    ]);
    expect((await headsIndexOf(after.manifest)).openings.unfinished).toEqual([]);
    expect(verify.problems).toEqual([]);
  });
});
