/**
 * When a waiver applies. Globs use picomatch: `*` does not cross `/`, so `Namespace/*` matches
 * `Namespace/ledger` and `Secret/**` matches `Secret/payments/api-tls`.
 */
import type { DateTime } from 'luxon';
import picomatch from 'picomatch';
import type { Finding, Waiver } from './types.js';

/**
 * A waiver is valid up to and including its `expires` day in UTC: it has expired once `now`
 * (in UTC) is on a later calendar day.
 */
export function isWaiverExpired(waiver: Waiver, now: DateTime): boolean {
  return now.toUTC().toISODate()! > waiver.expires;
}

const matches = (glob: string, value: string): boolean => picomatch.isMatch(value, glob, { dot: true });

/**
 * Cluster names as the fleet file allows them ([a-z0-9-], see src/fleet/fleetFile.ts), chosen so
 * that a glob matching all of them matches every cluster name: one character of each kind, a
 * dash, and the longest name.
 */
const CLUSTER_NAME_PROBES = ['a', 'z', '0', '9', 'a-0', 'prod-east-1', 'x'.repeat(63)];

/** Whether a cluster glob matches every cluster name (`*`, `**`, `?*`, ...): a fleet-wide waiver. */
export function matchesEveryCluster(glob: string): boolean {
  return CLUSTER_NAME_PROBES.every((name) => matches(glob, name));
}

/**
 * True when the waiver covers the finding: same rule, the cluster glob matches the finding's
 * cluster (for a finding on several clusters: every one of them), and the resource glob, when
 * given, matches the resource.
 */
export function waiverCovers(
  waiver: Waiver,
  finding: Pick<Finding, 'rule' | 'cluster' | 'clusters' | 'resource'>,
): boolean {
  if (waiver.rule !== finding.rule) return false;
  const clusters = finding.clusters ?? (finding.cluster !== undefined ? [finding.cluster] : []);
  if (clusters.length === 0 || !clusters.every((cluster) => matches(waiver.cluster, cluster))) return false;
  return waiver.resource === undefined || matches(waiver.resource, finding.resource);
}
