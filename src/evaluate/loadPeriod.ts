/**
 * The snapshots a period is evaluated on: each cluster's latest snapshot collected inside the
 * period that a run manifest records with the bytes it holds. A snapshot that no manifest records
 * (planted), that differs from what its manifest recorded (altered) or that cannot be read back
 * (corrupt, vanished) is a gap, recorded with its reason, and the cluster's next-latest snapshot
 * of the period is used instead; the rest goes on.
 */
import { OperationalError } from '../core/errors.js';
import type { Period } from '../core/period.js';
import { SNAPSHOTS_PREFIX } from '../ledger/keys.js';
import { type RecordedObject, readManifests, recordedObjectsOf } from '../ledger/manifest.js';
import { CorruptObjectError, sha256Hex } from '../ledger/objects.js';
import {
  filterSnapshots,
  listSnapshots,
  parseSnapshotObject,
  type SnapshotRef,
  snapshotRefsOf,
} from '../ledger/snapshots.js';
import { type LedgerStore, ObjectNotFoundError } from '../ledger/store.js';
import type { Snapshot } from '../snapshot/schema.js';

export interface LoadedSnapshot {
  ref: SnapshotRef;
  snapshot: Snapshot;
}

export interface PeriodSnapshots {
  /** One per cluster, sorted by cluster name. */
  snapshots: LoadedSnapshot[];
  gaps: { key: string; error: string }[];
}

/**
 * Every snapshot of the ledger (keys only), listed once for a run: stops (OperationalError) when
 * there is none in any period, as a mistyped --store must not pass for a fleet with nothing to
 * show, nor get a new ledger written into it.
 */
export async function listLedgerSnapshots(store: LedgerStore): Promise<SnapshotRef[]> {
  const objects = await store.list(SNAPSHOTS_PREFIX);
  if (objects.length === 0) throw new OperationalError(`no snapshots in ${store.location}: is --store right?`);
  return snapshotRefsOf(objects);
}

/** What a run already knows, so that the ledger is listed and the manifests read once. */
export interface KnownLedger {
  /** What the run manifests record (recordedObjectsOf); read from the store when not given. */
  recorded?: ReadonlyMap<string, RecordedObject>;
  /** Every snapshot of the ledger (listLedgerSnapshots); listed from the store when not given. */
  listed?: readonly SnapshotRef[];
  /** Objects interrupted runs left (recorded as abandoned): skipped without a gap, never evidence. */
  abandoned?: ReadonlySet<string>;
  /** Objects recorded only by manifests no signature of the run's key vouches for, with that manifest. */
  untrusted?: ReadonlyMap<string, string>;
}

/** The snapshot at `ref` if a manifest records it with these bytes; otherwise why it is a gap. */
async function readRecordedSnapshot(
  store: LedgerStore,
  ref: SnapshotRef,
  expected: RecordedObject | undefined,
  untrustedManifest: string | undefined,
): Promise<Snapshot | string> {
  if (!expected && untrustedManifest) {
    return `${ref.key}: recorded only by ${untrustedManifest}, which no signature of the run's key vouches for, ignored`;
  }
  if (!expected) return `${ref.key}: recorded by no run manifest (not written by a snapshot run), ignored`;
  const bytes = await store.get(ref.key);
  const actual = sha256Hex(bytes);
  if (actual !== expected.sha256) {
    return `${ref.key}: SHA-256 ${actual} differs from ${expected.sha256} recorded by ${expected.manifestKey}: altered, ignored`;
  }
  return parseSnapshotObject(ref.key, bytes);
}

export async function loadLatestSnapshots(
  store: LedgerStore,
  period: Period,
  known: KnownLedger = {},
): Promise<PeriodSnapshots> {
  const inPeriod = { from: period.start, to: period.end };
  const refs = known.listed ? filterSnapshots(known.listed, inPeriod) : await listSnapshots(store, inPeriod);
  const record =
    known.recorded ??
    (refs.length > 0 ? recordedObjectsOf((await readManifests(store)).manifests) : new Map<string, RecordedObject>());
  const byCluster = new Map<string, SnapshotRef[]>();
  for (const ref of refs) byCluster.set(ref.cluster, [...(byCluster.get(ref.cluster) ?? []), ref]);
  const snapshots: LoadedSnapshot[] = [];
  const gaps: PeriodSnapshots['gaps'] = [];
  for (const cluster of [...byCluster.keys()].sort()) {
    const newestFirst = [...(byCluster.get(cluster) ?? [])].sort((a, b) => b.collectedAt.localeCompare(a.collectedAt));
    for (const ref of newestFirst) {
      // An interrupted run's leftover is no evidence, nor a gap: the run that wrote it never completed.
      if (!record.has(ref.key) && known.abandoned?.has(ref.key)) continue;
      try {
        const read = await readRecordedSnapshot(store, ref, record.get(ref.key), known.untrusted?.get(ref.key));
        if (typeof read === 'string') {
          gaps.push({ key: ref.key, error: read });
          continue;
        }
        snapshots.push({ ref, snapshot: read });
        break;
      } catch (error) {
        // Only a bad object is a gap; a store that cannot be read at all is the caller's failure.
        if (!(error instanceof CorruptObjectError || error instanceof ObjectNotFoundError)) throw error;
        gaps.push({ key: ref.key, error: error.message });
      }
    }
  }
  return { snapshots, gaps };
}
