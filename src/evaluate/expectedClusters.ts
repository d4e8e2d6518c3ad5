/**
 * Which clusters a period is expected to show, and why one that is expected has no snapshot.
 *
 * With a configured fleet (fleet file) its clusters are expected. Without one the ledger is the
 * only witness: every cluster with a snapshot key in the period (readable or not) and every
 * cluster of the previous period. Nothing then says that a cluster left the fleet, so one that
 * stops sending snapshots stays missing (lowering coverage) until a fleet file leaves it out:
 * what was not seen is never counted as compliant, nor its findings as resolved.
 */
import { parseSnapshotKey } from '../ledger/keys.js';

/** The unreadable snapshot keys of each cluster (other keys, e.g. trend index entries, are ignored). */
export function unreadableSnapshotsByCluster(gaps: readonly { key: string }[]): Map<string, string[]> {
  const byCluster = new Map<string, string[]>();
  for (const { key } of gaps) {
    const parts = parseSnapshotKey(key);
    if (parts) byCluster.set(parts.cluster, [...(byCluster.get(parts.cluster) ?? []), key]);
  }
  return byCluster;
}

/** Why an expected cluster has no snapshot to evaluate, naming its unreadable snapshots if any. */
export function missingReason(unreadableKeys: readonly string[] = [], where = 'the period'): string {
  return unreadableKeys.length === 0
    ? `no snapshot in ${where}`
    : `no readable snapshot in ${where} (unreadable: ${unreadableKeys.join(', ')})`;
}
