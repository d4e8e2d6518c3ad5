import { type Check, type FleetRule, failed, passed } from '../rule.js';
import { isOk } from '../sections.js';

/**
 * One check per constraint (kind/name) per mesh group, counted in the fleet score only, among the
 * clusters of the group where the gatekeeper section was collected (ok) and Gatekeeper is
 * installed, when there are at least two: passed when every one of them has the constraint with
 * the same enforcement action.
 */
export const policyDrift: FleetRule = {
  id: 'POLICY-DRIFT',
  title: 'Gatekeeper constraints differ between clusters of a group',
  scope: 'fleet',
  area: 'policies',
  defaultSeverity: 'medium',
  sections: ['gatekeeper'],
  rationale:
    'Clusters that serve the same purpose should enforce the same policies; a constraint missing or only in dryrun in one of them is a gap an attacker or a hurried deploy will find.',
  remediation:
    'Deliver constraints to every cluster of the group from one source (Argo CD ApplicationSet, KubeFed), with the same enforcementAction.',
  controls: { cis: null, nsa: 'Kubernetes Pod security: Pod security enforcement', soc2: ['CC8.1', 'CC6.8'] },
  evaluate({ snapshots, groupOf }) {
    const byGroup = new Map<string, { cluster: string; actions: Map<string, string> }[]>();
    for (const snapshot of snapshots) {
      if (!isOk(snapshot, 'gatekeeper') || !snapshot.policies.gatekeeper.installed) continue;
      const group = groupOf(snapshot.meta.cluster);
      const actions = new Map(
        snapshot.policies.gatekeeper.constraints.map((c) => [`${c.kind}/${c.name}`, c.enforcementAction]),
      );
      byGroup.set(group, [...(byGroup.get(group) ?? []), { cluster: snapshot.meta.cluster, actions }]);
    }
    const checks: Check[] = [];
    for (const [group, members] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < 2) continue;
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
        checks.push({
          ...failed(constraint, {
            clusters: members.map((member) => member.cluster),
            resource: constraint,
            message: `constraint ${constraint} differs across mesh group "${group}": ${listing}`,
            evidence: { group, enforcementActions: Object.fromEntries(actions.map((a) => [a.cluster, a.action])) },
          }),
          cluster: null,
        });
      }
    }
    return checks;
  },
};
