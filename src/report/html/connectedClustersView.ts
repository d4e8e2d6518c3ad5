/** The "Connected clusters" section of report.html: the report's `connectivity` block laid out. */
import type { ReportConnectivity, ReportDocument } from '../schema.js';

type Group = ReportConnectivity['groups'][number];

const TITLES: Record<Group['kind'], string> = {
  mesh: 'Mesh group',
  network: 'Network group',
  managed: 'Managed by',
};

function howCompared(group: Group): string {
  const rules = group.comparedBy.join(', ');
  if (rules === '') return 'No enabled rule compares its members.';
  return group.kind === 'managed'
    ? `The manager compared with each member by ${rules}.`
    : `Every two members compared by ${rules}.`;
}

function groupView(group: Group) {
  return {
    title: TITLES[group.kind],
    name: group.name,
    howCompared: howCompared(group),
    members: group.members.map((member) => ({
      cluster: member.cluster,
      manager: member.role === 'manager',
      reasons: member.reasons.map((reason) => ({
        kind: reason.kind,
        label: reason.kind === 'declared' ? (reason.label ?? null) : null,
        detail: reason.detail,
      })),
    })),
  };
}

export function connectedClustersView(doc: ReportDocument) {
  const connectivity = doc.connectivity;
  return {
    recorded: connectivity !== undefined,
    groups: (connectivity?.groups ?? []).map(groupView),
    unconnected: connectivity?.unconnected ?? [],
    unread: (connectivity?.unreadSources ?? [])
      .map(({ cluster, sections }) => `${cluster} (${sections.join(', ')})`)
      .join(', '),
  };
}
