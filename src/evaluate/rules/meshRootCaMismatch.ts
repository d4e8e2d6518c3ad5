import { connectionEvidence, connectionReasons, describeReasons, type GroupKind } from '../connectivity.js';
import { istioRootsOf } from '../istioRoots.js';
import { type Check, type FleetRule, failed, passed } from '../rule.js';
import { isCollected } from '../sections.js';

/** Only clusters of one mesh share (or must share) a root. */
const COMPARED_WITHIN: readonly GroupKind[] = ['mesh'];

const short = (fingerprint: string): string => fingerprint.slice(0, 16);

/**
 * One check per mesh group (see connectivity.ts: the `mesh` label, Istio remote secrets) with at
 * least two clusters running Istio (counted in the fleet score only): passed when the sets of Istio
 * root fingerprints of those clusters have a non-empty intersection (bundles may hold several
 * roots during a rotation). A cluster whose istioCa section was read in part (the CA Secrets
 * forbidden) is compared on the roots that were read (the istio-ca-root-cert ConfigMaps: what its
 * workloads trust). A cluster of a mesh group running Istio with no root read adds one
 * not-evaluated check (in its own score) and is left out of the comparison. A cluster runs Istio
 * when the istio section shows it installed or any Istio root was seen. A cluster in no mesh group
 * is compared with none.
 */
export const meshRootCaMismatch: FleetRule = {
  id: 'MESH-ROOT-CA-MISMATCH',
  title: 'Clusters of one mesh without a common Istio root certificate',
  scope: 'fleet',
  area: 'certificates',
  defaultSeverity: 'critical',
  sections: ['istio', 'istioCa'],
  comparesWithin: COMPARED_WITHIN,
  rationale:
    'Multi-cluster Istio authenticates workloads across clusters with certificates chained to a shared root; without one, cross-cluster mTLS fails (or is turned off to cope). Clusters are one mesh when declared (`mesh` label) or when an Istio remote secret of one names the API server of the other.',
  remediation:
    'Plug every cluster of the mesh into intermediate CAs signed by one root (Secret istio-system/cacerts); during a rotation, distribute both roots first.',
  controls: { cis: null, nsa: 'Network separation and hardening: Encryption', soc2: ['CC6.7'] },
  evaluate({ snapshots, connectivity }) {
    const checks: Check[] = [];
    const bySnapshot = new Map(snapshots.map((snapshot) => [snapshot.meta.cluster, snapshot]));
    for (const group of connectivity.groups.filter((g) => COMPARED_WITHIN.includes(g.kind))) {
      const members: { cluster: string; roots: string[]; partlyRead: string | null }[] = [];
      for (const { cluster } of group.members) {
        const snapshot = bySnapshot.get(cluster);
        if (!snapshot) continue;
        const roots = snapshot.certificates.istioRootFingerprints;
        const runsIstio = (isCollected(snapshot, 'istio') && snapshot.policies.istio.installed) || roots.length > 0;
        if (!runsIstio) continue;
        const read = istioRootsOf(snapshot);
        if (!read.known) {
          // Mesh groups are disjoint (components): one such check per cluster.
          checks.push({ ...read.notEvaluated, cluster });
          continue;
        }
        members.push({ cluster, roots: read.roots, partlyRead: read.partlyRead });
      }
      if (members.length < 2) continue;
      const subject = `Mesh/${group.name}`;
      const common = (members[0]?.roots ?? []).filter((root) => members.every((member) => member.roots.includes(root)));
      if (common.length > 0) {
        checks.push({ ...passed(subject), cluster: null });
        continue;
      }
      const clusters = members.map((member) => member.cluster);
      const listing = members
        .map((m) => `${m.cluster} [${m.roots.length > 0 ? m.roots.map(short).join(', ') : 'no root'}]`)
        .join(', ');
      const why = describeReasons(connectionReasons(group, clusters));
      const partly = members.filter((m) => m.partlyRead !== null);
      const basis = partly.map((m) => `; ${m.cluster}: roots from what could be read (${m.partlyRead})`).join('');
      checks.push({
        ...failed(subject, {
          clusters,
          resource: subject,
          message: `the Istio clusters of mesh group "${group.name}" (${why}) share no root certificate: ${listing}${basis}`,
          evidence: {
            group: group.name,
            connections: [connectionEvidence(group, clusters)],
            rootFingerprints: Object.fromEntries(members.map((m) => [m.cluster, m.roots])),
            ...(partly.length > 0
              ? { partlyRead: Object.fromEntries(partly.map((m) => [m.cluster, m.partlyRead])) }
              : {}),
          },
        }),
        cluster: null,
      });
    }
    return checks;
  },
};
