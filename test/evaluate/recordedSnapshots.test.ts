/**
 * Only evidence a run recorded counts (second review, finding 2): a snapshot planted in
 * snapshots/ or altered after its run recorded it is a named gap, never evaluated.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parsePeriod } from '../../src/core/period.js';
import { loadLatestSnapshots } from '../../src/evaluate/loadPeriod.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { snapshotKey } from '../../src/ledger/keys.js';
import { readManifests, recordedObjectsOf } from '../../src/ledger/manifest.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { snapshotOf } from './fixtures.js';

const MONDAY = '2026-11-23T06:00:00.000Z';
const TUESDAY = '2026-11-24T06:00:00.000Z';
const WEDNESDAY = '2026-11-25T06:00:00.000Z';

const snapshotWith = (cluster: string, at: string, namespace: string) =>
  snapshotOf(cluster, (s) => {
    s.meta.collectionStart = at;
    s.meta.collectionEnd = at;
    s.namespaces.push({ name: namespace, labels: {}, phase: 'Active' });
  });

describe('loadLatestSnapshots takes only snapshots a run manifest records with their bytes', () => {
  let root: string;
  let scratch: string;
  let store: DirectoryLedgerStore;

  /** Writes a valid snapshot's bytes at its key behind the ledger's back (no manifest, or over a recorded one). */
  async function plant(cluster: string, at: string, namespace: string): Promise<string> {
    const written = await writeSnapshot(new DirectoryLedgerStore(scratch), snapshotWith(cluster, at, namespace));
    const bytes = await new DirectoryLedgerStore(scratch).get(written.key);
    const path = join(root, ...written.key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return written.key;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'recorded-ledger-'));
    scratch = await mkdtemp(join(tmpdir(), 'recorded-scratch-'));
    store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotWith('a', TUESDAY, 'real'));
    await writeSnapshot(store, snapshotWith('b', MONDAY, 'real'));
    await writeSnapshot(store, snapshotWith('b', TUESDAY, 'real'));
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it('skips a planted newer snapshot, an altered recorded one and a planted cluster, naming each as a gap', async () => {
    const plantedNewer = await plant('a', WEDNESDAY, 'forged');
    const altered = await plant('b', TUESDAY, 'forged');
    const plantedCluster = await plant('evil', TUESDAY, 'forged');

    const loaded = await loadLatestSnapshots(store, parsePeriod('2026-W48'));

    expect(loaded.snapshots.map(({ ref, snapshot }) => [ref.key, snapshot.namespaces.map((n) => n.name)])).toEqual([
      [snapshotKey('a', TUESDAY), ['real']],
      [snapshotKey('b', MONDAY), ['real']],
    ]);
    expect(loaded.gaps).toEqual([
      {
        key: plantedNewer,
        error: `${plantedNewer}: recorded by no run manifest (not written by a snapshot run), ignored`,
      },
      {
        key: altered,
        error: expect.stringMatching(
          new RegExp(
            `^${altered}: SHA-256 [0-9a-f]{64} differs from [0-9a-f]{64} recorded by manifests/2026-11-23T06-00-00.000Z-[0-9a-f]{16}.json: altered, ignored$`,
          ),
        ),
      },
      {
        key: plantedCluster,
        error: `${plantedCluster}: recorded by no run manifest (not written by a snapshot run), ignored`,
      },
    ]);
  });

  it('reads no manifest when the caller passes what the manifests record', async () => {
    const recorded = recordedObjectsOf((await readManifests(store)).manifests);
    const gets: string[] = [];
    const counting: LedgerStore = {
      location: store.location,
      get: (key) => {
        gets.push(key);
        return store.get(key);
      },
      put: (key, body, options) => store.put(key, body, options),
      head: (key) => store.head(key),
      list: (prefix) => store.list(prefix),
      inventory: () => store.inventory(),
    };

    const loaded = await loadLatestSnapshots(counting, parsePeriod('2026-W48'), { recorded });

    expect(loaded.snapshots).toHaveLength(2);
    expect(gets.sort()).toEqual([snapshotKey('a', TUESDAY), snapshotKey('b', TUESDAY)]);
  });
});
