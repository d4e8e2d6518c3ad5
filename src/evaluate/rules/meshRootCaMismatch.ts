import { type Check, type FleetRule, failed, notEvaluated, passed } from '../rule.js';
import { describeUncollected, isCollected, isOk } from '../sections.js';

const short = (fingerprint: string): string => fingerprint.slice(0, 16);

/**
 * One check per mesh group with at least two clusters running Istio (counted in the fleet score
 * only): passed when the sets of Istio root fingerprints of those clusters have a non-empty
 * intersection (bundles may hold several roots during a rotation). A cluster running Istio whose
 * istioCa section was not collected adds one not-evaluated check (in its own score) and is left
 * out of the comparison. A cluster runs Istio when the istio section shows it installed or any
 * Istio root was seen.
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
    const byGroup = new Map<string, { cluster: string; roots: string[] }[]>();
    for (const snapshot of snapshots) {
      const cluster = snapshot.meta.cluster;
      const roots = snapshot.certificates.istioRootFingerprints;
      const runsIstio = (isOk(snapshot, 'istio') && snapshot.policies.istio.installed) || roots.length > 0;
      if (!runsIstio) continue;
      if (!isCollected(snapshot, 'istioCa')) {
        checks.push({
          ...notEvaluated(
            `Cluster/${cluster}`,
            `Istio roots not collected: ${describeUncollected(snapshot, ['istioCa'])}`,
          ),
          cluster,
        });
        continue;
      }
      const group = groupOf(cluster);
      byGroup.set(group, [...(byGroup.get(group) ?? []), { cluster, roots: [...new Set(roots)].sort() }]);
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
      checks.push({
        ...failed(subject, {
          clusters,
          resource: subject,
          message: `the Istio clusters of mesh group "${group}" share no root certificate: ${listing}`,
          evidence: { group, rootFingerprints: Object.fromEntries(members.map((m) => [m.cluster, m.roots])) },
        }),
        cluster: null,
      });
    }
    return checks;
  },
};
