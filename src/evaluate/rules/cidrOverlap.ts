import { type CidrRange, intersectCidrs } from '../cidr.js';
import { clusterRanges, type LabelledRange, NETWORK_SECTIONS } from '../clusterRanges.js';
import { type Check, type FindingDraft, type FleetRule, failed, notEvaluated, passed } from '../rule.js';
import { incompleteSections, notCollectedCheck } from '../sections.js';

interface Overlap {
  clusters: [string, string];
  finding: FindingDraft;
}

function describe(range: LabelledRange): string {
  // The resource of a PodCIDR/ServiceCIDR already names its range.
  return range.resource.endsWith(range.range.cidr) ? range.resource : `${range.resource} ${range.range.cidr}`;
}

function overlapFinding(
  [a, b]: [
    { cluster: string; group: string; range: LabelledRange },
    { cluster: string; group: string; range: LabelledRange },
  ],
  intersection: CidrRange,
): FindingDraft {
  const sameGroup = a.group === b.group;
  const where = sameGroup
    ? `both in mesh group "${a.group}"`
    : `in different mesh groups ("${a.group}" and "${b.group}")`;
  return {
    clusters: [a.cluster, b.cluster],
    resource: a.range.resource === b.range.resource ? a.range.resource : `${a.range.resource} <> ${b.range.resource}`,
    severity: sameGroup ? 'high' : 'low',
    message: `${describe(a.range)} on ${a.cluster} overlaps ${describe(b.range)} on ${b.cluster} (common range ${intersection.cidr}), ${where}`,
    evidence: {
      ranges: [a, b].map((side) => ({
        cluster: side.cluster,
        resource: side.range.resource,
        cidr: side.range.range.cidr,
      })),
      intersection: intersection.cidr,
      family: intersection.family,
      groups: [a.group, b.group],
      sameGroup,
    },
  };
}

/**
 * One check per cluster (counted in that cluster's score): failed when any of its ranges overlaps
 * a range of another cluster (each overlapping pair of ranges is one finding, shared by the checks
 * of both clusters; ranges of partly collected sections count: an overlap seen is an overlap), not
 * evaluated when one of its network sections was not collected, or only in part, and no overlap
 * was found, passed otherwise. An expected cluster without a snapshot: not evaluated.
 */
export const cidrOverlap: FleetRule = {
  id: 'CIDR-OVERLAP',
  title: 'Overlapping Pod, Service or IP pool ranges between clusters',
  scope: 'fleet',
  area: 'network',
  defaultSeverity: 'high',
  sections: ['nodes', 'serviceCidrs', 'ipPools', 'cniConfig'],
  rationale:
    'Clusters that route to each other (multi-cluster mesh, flat network, VPN) need disjoint Pod and Service ranges: overlaps make traffic go to the wrong cluster or nowhere. Overlaps between clusters of different mesh groups matter only if they are ever connected, hence low severity.',
  remediation:
    'Plan a per-cluster address allocation; move the IP pool (new pool, migrate, disable and delete the old one) or rebuild the cluster with a free range.',
  controls: { cis: null, nsa: 'Network separation and hardening', soc2: ['CC6.6', 'A1.1'] },
  evaluate({ snapshots, groupOf, missingClusters, missingReason }) {
    const sides = snapshots.map((snapshot) => ({
      cluster: snapshot.meta.cluster,
      group: groupOf(snapshot.meta.cluster),
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
        for (const ra of a.ranges) {
          for (const rb of b.ranges) {
            const intersection = intersectCidrs(ra.range, rb.range);
            if (!intersection) continue;
            const finding = overlapFinding(
              [
                { cluster: a.cluster, group: a.group, range: ra },
                { cluster: b.cluster, group: b.group, range: rb },
              ],
              intersection,
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
    for (const cluster of missingClusters) {
      checks.push({ ...notEvaluated(`Cluster/${cluster}`, missingReason(cluster)), cluster });
    }
    return checks;
  },
};
