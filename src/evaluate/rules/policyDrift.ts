import { connectionEvidence, connectionReasons, describeReasons, type GroupKind } from '../connectivity.js';
import { type Check, type FleetRule, failed, passed } from '../rule.js';
import { isOk } from '../sections.js';

/**
 * Clusters of one mesh serve one platform, so they should enforce the same policies. A routed
 * network or a shared Argo CD says nothing of the kind (dev and prod often share both).
 */
const COMPARED_WITHIN: readonly GroupKind[] = ['mesh'];

/**
 * One check per constraint (kind/name) per mesh group (see connectivity.ts), counted in the fleet
 * score only, among the clusters of the group where the gatekeeper section was collected (ok) and
 * Gatekeeper is installed, when there are at least two: passed when every one of them has the
 * constraint with the same enforcement action. A cluster in no mesh group is compared with none.
 */
export const policyDrift: FleetRule = {
  id: 'POLICY-DRIFT',
  title: 'Gatekeeper constraints differ between clusters of a mesh',
  scope: 'fleet',
  area: 'policies',
  defaultSeverity: 'medium',
  sections: ['gatekeeper'],
  comparesWithin: COMPARED_WITHIN,
  rationale:
    'Clusters of one mesh serve the same platform and should enforce the same policies; a constraint missing or only in dryrun in one of them is a gap an attacker or a hurried deploy will find.',
  remediation:
    'Deliver constraints to every cluster of the mesh from one source (Argo CD ApplicationSet, KubeFed), with the same enforcementAction.',
  controls: { cis: null, nsa: 'Kubernetes Pod security: Pod security enforcement', soc2: ['CC8.1', 'CC6.8'] },
  evaluate({ snapshots, connectivity }) {
    const bySnapshot = new Map(snapshots.map((snapshot) => [snapshot.meta.cluster, snapshot]));
    const checks: Check[] = [];
    for (const group of connectivity.groups.filter((g) => COMPARED_WITHIN.includes(g.kind))) {
      const members = group.members.flatMap(({ cluster }) => {
        const snapshot = bySnapshot.get(cluster);
        if (!snapshot || !isOk(snapshot, 'gatekeeper') || !snapshot.policies.gatekeeper.installed) return [];
        const actions = new Map(
          snapshot.policies.gatekeeper.constraints.map((c) => [`${c.kind}/${c.name}`, c.enforcementAction]),
        );
        return [{ cluster, actions }];
      });
      if (members.length < 2) continue;
      const clusters = members.map((member) => member.cluster);
      const constraints = [...new Set(members.flatMap((member) => [...member.actions.keys()]))].sort();
      for (const constraint of constraints) {
        const actions = members.map((member) => ({
          cluster: member.cluster,
          action: member.actions.get(constraint) ?? null,
        }));
        if (new Set(actions.map((a) => a.action)).size === 1) {
          checks.push({ ...passed(constraint), cluster: null });
          continue;
        }
        const listing = actions.map((a) => `${a.action ?? 'absent'} on ${a.cluster}`).join(', ');
        const why = describeReasons(connectionReasons(group, clusters));
        checks.push({
          ...failed(constraint, {
            clusters,
            resource: constraint,
            message: `constraint ${constraint} differs across mesh group "${group.name}" (${why}): ${listing}`,
            evidence: {
              group: group.name,
              connections: [connectionEvidence(group, clusters)],
              enforcementActions: Object.fromEntries(actions.map((a) => [a.cluster, a.action])),
            },
          }),
          cluster: null,
        });
      }
    }
    return checks;
  },
};
