import { type CidrRange, intersectCidrs } from '../cidr.js';
import { clusterRanges, type LabelledRange, NETWORK_SECTIONS } from '../clusterRanges.js';
import {
  type ConnectedGroup,
  connectionEvidence,
  connectionReasons,
  describeReasons,
  type GroupKind,
  groupsJoining,
  groupsOf,
} from '../connectivity.js';
import { type Check, type FindingDraft, type FleetRule, failed, notEvaluated, passed } from '../rule.js';
import { incompleteSections, notCollectedCheck } from '../sections.js';

/** Clusters of one mesh or one routed network, and a manager with each cluster it manages. */
const COMPARED_WITHIN: readonly GroupKind[] = ['mesh', 'network', 'managed'];

interface Overlap {
  clusters: [string, string];
  finding: FindingDraft;
}

function describe(range: LabelledRange): string {
  // The resource of a PodCIDR/ServiceCIDR already names its range.
  return range.resource.endsWith(range.range.cidr) ? range.resource : `${range.resource} ${range.range.cidr}`;
}

/** `both in mesh group "corp" (label mesh=corp)`, `host manages cluster-b (Argo CD cluster ... on host)`. */
function describeConnection(group: ConnectedGroup, pair: readonly [string, string]): string {
  const why = describeReasons(connectionReasons(group, pair));
  if (group.kind !== 'managed') return `both in ${group.kind} group "${group.name}" (${why})`;
  const managed = pair.find((cluster) => cluster !== group.name);
  return `${group.name} manages ${managed} (${why})`;
}

function overlapFinding(
  [a, b]: [{ cluster: string; range: LabelledRange }, { cluster: string; range: LabelledRange }],
  intersection: CidrRange,
  groups: readonly ConnectedGroup[],
): FindingDraft {
  const pair = [a.cluster, b.cluster] as const;
  // Groups come mesh, network, managed: the first says most about how the ranges meet.
  const [closest] = groups as [ConnectedGroup];
  // Routed to each other (mesh, network): traffic goes astray. Managed only: the manager reaches
  // the member's API server, whose address an overlap can shadow.
  const routed = groups.some((group) => group.kind !== 'managed');
  return {
    clusters: [a.cluster, b.cluster],
    resource: a.range.resource === b.range.resource ? a.range.resource : `${a.range.resource} <> ${b.range.resource}`,
    ...(routed ? {} : { severity: 'medium' as const }),
    message: `${describe(a.range)} on ${a.cluster} overlaps ${describe(b.range)} on ${b.cluster} (common range ${intersection.cidr}), ${describeConnection(closest, pair)}`,
    evidence: {
      ranges: [a, b].map((side) => ({
        cluster: side.cluster,
        resource: side.range.resource,
        cidr: side.range.range.cidr,
      })),
      intersection: intersection.cidr,
      family: intersection.family,
      connections: groups.map((group) => connectionEvidence(group, pair)),
    },
  };
}

/**
 * Compares the ranges of every two connected clusters (see connectivity.ts): of one mesh group or
 * one network group (high), or a manager and a cluster it manages (medium). One check per cluster
 * that is connected to another (counted in that cluster's score): failed when any of its ranges
 * overlaps a range of a cluster it is connected to (each overlapping pair of ranges is one
 * finding, shared by the checks of both clusters; ranges of partly collected sections count: an
 * overlap seen is an overlap), not evaluated when one of its network sections was not collected,
 * or only in part, and no overlap was found, passed otherwise. A connected cluster without a
 * snapshot: not evaluated. A cluster in no group is compared with none: no check.
 */
export const cidrOverlap: FleetRule = {
  id: 'CIDR-OVERLAP',
  title: 'Overlapping Pod, Service or IP pool ranges between connected clusters',
  scope: 'fleet',
  area: 'network',
  defaultSeverity: 'high',
  sections: ['nodes', 'serviceCidrs', 'ipPools', 'cniConfig'],
  comparesWithin: COMPARED_WITHIN,
  rationale:
    'Clusters that route to each other (one mesh, or a flat network, peering or VPN declared with the `network` label) need disjoint Pod and Service ranges: overlaps make traffic go to the wrong cluster or nowhere. Between a KubeFed host or Argo CD and a cluster it manages, an overlap can shadow the address of the API server it must reach, hence medium severity. Clusters that are not connected are not compared.',
  remediation:
    'Plan a per-cluster address allocation; move the IP pool (new pool, migrate, disable and delete the old one) or rebuild the cluster with a free range.',
  controls: { cis: null, nsa: 'Network separation and hardening', soc2: ['CC6.6', 'A1.1'] },
  evaluate({ snapshots, connectivity, missingClusters, missingReason }) {
    const connected = (cluster: string) => groupsOf(connectivity, cluster, COMPARED_WITHIN).length > 0;
    const sides = snapshots
      .filter((snapshot) => connected(snapshot.meta.cluster))
      .map((snapshot) => ({
        cluster: snapshot.meta.cluster,
        ranges: clusterRanges(snapshot),
        // A partial section may hide a range: no overlap found there proves nothing.
        incomplete: incompleteSections(snapshot, NETWORK_SECTIONS),
        snapshot,
      }));
    const overlaps: Overlap[] = [];
    for (let i = 0; i < sides.length; i++) {
      for (let j = i + 1; j < sides.length; j++) {
        const a = sides[i]!;
        const b = sides[j]!;
        const groups = groupsJoining(connectivity, a.cluster, b.cluster, COMPARED_WITHIN);
        if (groups.length === 0) continue;
        for (const ra of a.ranges) {
          for (const rb of b.ranges) {
            const intersection = intersectCidrs(ra.range, rb.range);
            if (!intersection) continue;
            const finding = overlapFinding(
              [
                { cluster: a.cluster, range: ra },
                { cluster: b.cluster, range: rb },
              ],
              intersection,
              groups,
            );
            overlaps.push({ clusters: [a.cluster, b.cluster], finding });
          }
        }
      }
    }
    const checks: Check[] = sides.map((side) => {
      const subject = `Cluster/${side.cluster}`;
      const mine = overlaps.filter((overlap) => overlap.clusters.includes(side.cluster)).map((o) => o.finding);
      const check =
        mine.length > 0
          ? failed(subject, ...mine)
          : side.incomplete.length > 0
            ? notCollectedCheck(subject, 'network ranges not collected', side.snapshot, side.incomplete)
            : passed(subject);
      return { ...check, cluster: side.cluster };
    });
    for (const cluster of missingClusters.filter(connected)) {
      checks.push({ ...notEvaluated(`Cluster/${cluster}`, missingReason(cluster)), cluster });
    }
    return checks;
  },
};
