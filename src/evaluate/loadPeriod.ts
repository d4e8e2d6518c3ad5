/**
 * The snapshots a period is evaluated on: each cluster's latest snapshot collected inside the
 * period. A snapshot that cannot be read back (corrupt, vanished) is a gap, recorded with its
 * error, and the cluster's next-latest snapshot of the period is used instead; the rest goes on.
 */
import { OperationalError } from '../core/errors.js';
import type { Period } from '../core/period.js';
import { SNAPSHOTS_PREFIX } from '../ledger/keys.js';
import { CorruptObjectError } from '../ledger/objects.js';
import { listSnapshots, readSnapshot, type SnapshotRef } from '../ledger/snapshots.js';
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
 * Stops (OperationalError) when the store holds no snapshot of any period: a mistyped --store
 * must not pass for a fleet with nothing to show, nor get a new ledger written into it.
 */
export async function assertLedgerHasSnapshots(store: LedgerStore): Promise<void> {
  const snapshots = await store.list(SNAPSHOTS_PREFIX);
  if (snapshots.length === 0) throw new OperationalError(`no snapshots in ${store.location}: is --store right?`);
}

export async function loadLatestSnapshots(store: LedgerStore, period: Period): Promise<PeriodSnapshots> {
  const refs = await listSnapshots(store, { from: period.start, to: period.end });
  const byCluster = new Map<string, SnapshotRef[]>();
  for (const ref of refs) byCluster.set(ref.cluster, [...(byCluster.get(ref.cluster) ?? []), ref]);
  const snapshots: LoadedSnapshot[] = [];
  const gaps: PeriodSnapshots['gaps'] = [];
  for (const cluster of [...byCluster.keys()].sort()) {
    const newestFirst = [...(byCluster.get(cluster) ?? [])].sort((a, b) => b.collectedAt.localeCompare(a.collectedAt));
    for (const ref of newestFirst) {
      try {
        snapshots.push({ ref, snapshot: await readSnapshot(store, ref.key) });
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
