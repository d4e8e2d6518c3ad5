/**
 * The report's `connectivity` block: the evaluation's connected groups (src/evaluate/connectivity.ts)
 * with, for each, the rules that compared its members, and the clusters compared with none.
 */
import type { EvaluatedConnectivity } from '../evaluate/evaluate.js';
import type { ReportConnectivity } from './schema.js';

export function reportConnectivity(connectivity: EvaluatedConnectivity): ReportConnectivity {
  return {
    groups: connectivity.groups.map((group) => ({
      id: group.id,
      kind: group.kind,
      name: group.name,
      comparedBy: [...connectivity.comparedBy[group.kind]],
      members: group.members.map((member) => ({
        cluster: member.cluster,
        role: member.role,
        reasons: member.reasons.map((reason) => ({ ...reason })),
      })),
    })),
    unconnected: [...connectivity.unconnected],
    unreadSources: connectivity.unreadSources.map(({ cluster, sections }) => ({ cluster, sections: [...sections] })),
  };
}
