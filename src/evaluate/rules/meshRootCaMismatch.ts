import { istioRootsOf } from '../istioRoots.js';
import { type Check, type FleetRule, failed, passed } from '../rule.js';
import { isCollected } from '../sections.js';

const short = (fingerprint: string): string => fingerprint.slice(0, 16);

/**
 * One check per mesh group with at least two clusters running Istio (counted in the fleet score
 * only): passed when the sets of Istio root fingerprints of those clusters have a non-empty
 * intersection (bundles may hold several roots during a rotation). A cluster whose istioCa
 * section was read in part (the CA Secrets forbidden) is compared on the roots that were read
 * (the istio-ca-root-cert ConfigMaps: what its workloads trust). A cluster running Istio with no
 * root read adds one not-evaluated check (in its own score) and is left out of the comparison. A
 * cluster runs Istio when the istio section shows it installed or any Istio root was seen.
 */
export const meshRootCaMismatch: FleetRule = {
  id: 'MESH-ROOT-CA-MISMATCH',
  title: 'Clusters of one mesh without a common Istio root certificate',
  scope: 'fleet',
  area: 'certificates',
  defaultSeverity: 'critical',
  sections: ['istio', 'istioCa'],
  rationale:
    'Multi-cluster Istio authenticates workloads across clusters with certificates chained to a shared root; without one, cross-cluster mTLS fails (or is turned off to cope).',
  remediation:
    'Plug every cluster of the mesh into intermediate CAs signed by one root (Secret istio-system/cacerts); during a rotation, distribute both roots first.',
  controls: { cis: null, nsa: 'Network separation and hardening: Encryption', soc2: ['CC6.7'] },
  evaluate({ snapshots, groupOf }) {
    const checks: Check[] = [];
    const byGroup = new Map<string, { cluster: string; roots: string[]; partlyRead: string | null }[]>();
    for (const snapshot of snapshots) {
      const cluster = snapshot.meta.cluster;
      const roots = snapshot.certificates.istioRootFingerprints;
      const runsIstio = (isCollected(snapshot, 'istio') && snapshot.policies.istio.installed) || roots.length > 0;
      if (!runsIstio) continue;
      const read = istioRootsOf(snapshot);
      if (!read.known) {
        checks.push({ ...read.notEvaluated, cluster });
        continue;
      }
      const group = groupOf(cluster);
      byGroup.set(group, [...(byGroup.get(group) ?? []), { cluster, roots: read.roots, partlyRead: read.partlyRead }]);
    }
    for (const [group, members] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < 2) continue;
      const subject = `Mesh/${group}`;
      const common = (members[0]?.roots ?? []).filter((root) => members.every((member) => member.roots.includes(root)));
      if (common.length > 0) {
        checks.push({ ...passed(subject), cluster: null });
        continue;
      }
      const clusters = members.map((member) => member.cluster);
      const listing = members
        .map((m) => `${m.cluster} [${m.roots.length > 0 ? m.roots.map(short).join(', ') : 'no root'}]`)
        .join(', ');
      const partly = members.filter((m) => m.partlyRead !== null);
      const basis = partly.map((m) => `; ${m.cluster}: roots from what could be read (${m.partlyRead})`).join('');
      checks.push({
        ...failed(subject, {
          clusters,
          resource: subject,
          message: `the Istio clusters of mesh group "${group}" share no root certificate: ${listing}${basis}`,
          evidence: {
            group,
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
