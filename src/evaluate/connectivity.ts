/**
 * Which clusters of the fleet are connected, and why: the fleet rules that compare clusters
 * (CIDR-OVERLAP, MESH-ROOT-CA-MISMATCH, POLICY-DRIFT) compare only clusters that are connected,
 * because two unrelated clusters may well share the default Pod range or have their own Istio
 * roots, and that is nobody's problem. A cluster in no group is compared with none.
 *
 * Three kinds of group:
 * - mesh: clusters of one Istio mesh. Declared by the `mesh` label (same value), or discovered
 *   from an Istio remote secret (istio-system Secret labelled istio/multiCluster=true) whose
 *   kubeconfig names another fleet cluster's API server. Transitive (connected components): a
 *   mesh is one trust domain and one service registry, whoever links to whom.
 * - network: clusters whose Pod and Service ranges are routed to each other. Declared only, by
 *   the `network` label (same value): nothing a cluster shows proves a routed network. Not merged
 *   with mesh groups: declare `network` on every cluster of a routed network.
 * - managed: a manager (a KubeFed host, a cluster running Argo CD) and the clusters it manages,
 *   discovered from KubeFedCluster spec.apiEndpoint and Argo CD cluster registrations. A star,
 *   not a component: the manager reaches each member's API server, the members need not reach
 *   each other, so two clusters managed by the same Argo CD are not compared with each other.
 *
 * Discovered links are matched on API server URLs only (normalised, see endpoints.ts): the
 * snapshot's endpoint (what the auditor reached) and the aliases the fleet file declares (how
 * other clusters know the same API server). Never on bare cluster names, which every tool
 * invents for itself. Pure: no I/O.
 */
import type { SectionName, Snapshot } from '../snapshot/schema.js';
import { isInClusterServer, normalizeServerUrl } from './endpoints.js';
import { uncollectedSections } from './sections.js';

export const MESH_LABEL = 'mesh';
export const NETWORK_LABEL = 'network';

export const GROUP_KINDS = ['mesh', 'network', 'managed'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** The snapshot sections connections are discovered from. */
export const DISCOVERY_SECTIONS: readonly SectionName[] = ['istioRemoteSecrets', 'kubefed', 'argocdClusters'];

/** A cluster of the fleet as connectivity sees it. */
export interface ConnectivityCluster {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Other addresses of its API server (fleet file `aliases`, else the snapshot's). */
  aliases: readonly string[];
}

export interface DeclaredReason {
  kind: 'declared';
  /** key=value */
  label: string;
  detail: string;
}

export interface DiscoveredReason {
  kind: 'discovered';
  source: 'istio-remote-secret' | 'kubefed-cluster' | 'argocd-cluster';
  /** The cluster in which the object was found. */
  sourceCluster: string;
  /** The object, e.g. `Secret istio-system/istio-remote-secret-lab`. */
  object: string;
  /** The fleet cluster whose API server the object names. */
  target: string;
  /** The address as the object writes it. */
  server: string;
  detail: string;
}

export type ConnectionReason = DeclaredReason | DiscoveredReason;

export interface GroupMember {
  cluster: string;
  /** manager: the KubeFed host or Argo CD cluster of a managed group. */
  role: 'member' | 'manager';
  reasons: ConnectionReason[];
}

export interface ConnectedGroup {
  /** `<kind>/<name>`, unique. */
  id: string;
  kind: GroupKind;
  /**
   * mesh and network: the label values that declare it, joined with `+`, else (discovered only)
   * the member names joined with `+`; managed: the manager.
   */
  name: string;
  /** The manager first (managed groups), then by name. */
  members: GroupMember[];
}

export interface Connectivity {
  /** Groups of at least two clusters, by kind (mesh, network, managed) then name. */
  groups: ConnectedGroup[];
  /** Clusters in no group, sorted: compared with none. */
  unconnected: string[];
  /**
   * Clusters whose discovery sources could not be read (forbidden, error, unreachable, no
   * snapshot): connections they would show are unknown.
   */
  unreadSources: { cluster: string; sections: SectionName[] }[];
}

const SOURCE_NAMES: Record<DiscoveredReason['source'], string> = {
  'istio-remote-secret': 'Istio remote secret',
  'kubefed-cluster': 'KubeFedCluster',
  'argocd-cluster': 'Argo CD cluster',
};

interface Link {
  from: string;
  to: string;
  reason: DiscoveredReason;
}

/** The short form for messages: `label mesh=corp`, `KubeFedCluster kube-federation-system/a on host`. */
export function reasonSummary(reason: ConnectionReason): string {
  if (reason.kind === 'declared') return `label ${reason.label}`;
  return `${objectWords(reason)} on ${reason.sourceCluster}`;
}

function objectWords(reason: Pick<DiscoveredReason, 'source' | 'object'>): string {
  // `object` reads `Secret istio-system/x`; people know it as an Istio remote secret.
  if (reason.source === 'istio-remote-secret')
    return `${SOURCE_NAMES[reason.source]} ${reason.object.replace(/^Secret /, '')}`;
  return reason.object;
}

/** Every fleet cluster by normalised API server address: snapshot endpoints and aliases. */
function addressBook(
  clusters: readonly ConnectivityCluster[],
  snapshots: ReadonlyMap<string, Snapshot>,
): Map<string, Set<string>> {
  const book = new Map<string, Set<string>>();
  const add = (address: string, cluster: string) => {
    if (isInClusterServer(address)) return;
    const key = normalizeServerUrl(address);
    book.set(key, (book.get(key) ?? new Set()).add(cluster));
  };
  for (const cluster of clusters) {
    const endpoint = snapshots.get(cluster.name)?.meta.endpoint;
    if (endpoint) add(endpoint, cluster.name);
    for (const alias of cluster.aliases) add(alias, cluster.name);
  }
  return book;
}

/** The links a cluster's snapshot shows to other fleet clusters, by the API server addresses it names. */
function discoveredLinks(snapshot: Snapshot, book: ReadonlyMap<string, ReadonlySet<string>>): Link[] {
  const from = snapshot.meta.cluster;
  const links: Link[] = [];
  const link = (source: DiscoveredReason['source'], object: string, server: string | null) => {
    if (server === null || server === '' || isInClusterServer(server)) return;
    for (const to of [...(book.get(normalizeServerUrl(server)) ?? [])].sort()) {
      if (to === from) continue;
      const found = { source, object };
      const detail = `${objectWords(found)} on ${from} names the API server ${server} of ${to}`;
      links.push({
        from,
        to,
        reason: { kind: 'discovered', ...found, sourceCluster: from, target: to, server, detail },
      });
    }
  };
  for (const remote of snapshot.federation.istioRemotes ?? []) {
    link('istio-remote-secret', `Secret istio-system/${remote.secret}`, remote.server);
  }
  for (const member of snapshot.federation.kubefedClusters) {
    link('kubefed-cluster', `KubeFedCluster ${member.namespace}/${member.name}`, member.apiEndpoint);
  }
  for (const registered of snapshot.gitops.clusters) {
    link('argocd-cluster', `Argo CD cluster "${registered.name}"`, registered.server);
  }
  return links;
}

/** Connected components of the graph (nodes: cluster names), each sorted, ordered by first member. */
function components(nodes: readonly string[], edges: readonly [string, string][]): string[][] {
  const parent = new Map(nodes.map((node) => [node, node]));
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(node, root);
    return root;
  };
  for (const [a, b] of edges) parent.set(find(a), find(b));
  const byRoot = new Map<string, string[]>();
  for (const node of [...nodes].sort()) byRoot.set(find(node), [...(byRoot.get(find(node)) ?? []), node]);
  return [...byRoot.values()].filter((members) => members.length > 1);
}

function declared(label: string, value: string): DeclaredReason {
  return { kind: 'declared', label: `${label}=${value}`, detail: `declared by the label ${label}=${value}` };
}

/**
 * Groups joined by a label and, for meshes, by discovered links: components over both.
 * Named after the declaring label values, else after the members.
 */
function labelledGroups(
  kind: 'mesh' | 'network',
  label: string,
  clusters: readonly ConnectivityCluster[],
  links: readonly Link[],
): ConnectedGroup[] {
  const labelValue = new Map(clusters.map((c) => [c.name, c.labels[label] ?? '']));
  const byValue = new Map<string, string[]>();
  for (const [name, value] of labelValue) if (value !== '') byValue.set(value, [...(byValue.get(value) ?? []), name]);
  const edges: [string, string][] = [
    ...[...byValue.values()].flatMap((names) => names.slice(1).map((name): [string, string] => [names[0]!, name])),
    ...links.map((l): [string, string] => [l.from, l.to]),
  ];
  return components([...labelValue.keys()], edges).map((members) => {
    const values = [...new Set(members.map((m) => labelValue.get(m) ?? '').filter((v) => v !== ''))].sort();
    const name = values.length > 0 ? values.join('+') : members.join('+');
    return {
      id: `${kind}/${name}`,
      kind,
      name,
      members: members.map((cluster) => {
        const value = labelValue.get(cluster) ?? '';
        const ownLinks = links.filter((l) => l.from === cluster || l.to === cluster).map((l) => l.reason);
        // A label alone does not join a cluster to a group: only a label another member shares.
        const sharedLabel = value !== '' && (byValue.get(value)?.length ?? 0) > 1;
        return {
          cluster,
          role: 'member' as const,
          reasons: [...(sharedLabel ? [declared(label, value)] : []), ...ownLinks],
        };
      }),
    };
  });
}

function managedGroups(links: readonly Link[]): ConnectedGroup[] {
  const managers = [...new Set(links.map((l) => l.from))].sort();
  return managers.map((manager) => {
    const own = links.filter((l) => l.from === manager);
    const members = [...new Set(own.map((l) => l.to))].sort();
    return {
      id: `managed/${manager}`,
      kind: 'managed' as const,
      name: manager,
      members: [
        { cluster: manager, role: 'manager' as const, reasons: own.map((l) => l.reason) },
        ...members.map((cluster) => ({
          cluster,
          role: 'member' as const,
          reasons: own.filter((l) => l.to === cluster).map((l) => l.reason),
        })),
      ],
    };
  });
}

/**
 * The groups of the fleet: `clusters` are every known cluster (configured, snapshotted or
 * expected), `snapshots` the latest snapshot of those that have one.
 */
export function findConnectivity(
  clusters: readonly ConnectivityCluster[],
  snapshots: readonly Snapshot[],
): Connectivity {
  const known = new Map(clusters.map((c) => [c.name, c]));
  // A snapshot of a cluster the caller did not list still counts (with its own labels and aliases).
  for (const snapshot of snapshots) {
    const name = snapshot.meta.cluster;
    if (!known.has(name)) known.set(name, { name, labels: snapshot.meta.labels, aliases: snapshot.meta.aliases ?? [] });
  }
  const all = [...known.values()].sort((a, b) => a.name.localeCompare(b.name));
  const bySnapshot = new Map(snapshots.map((s) => [s.meta.cluster, s]));
  const book = addressBook(all, bySnapshot);
  const links = [...bySnapshot.values()]
    .sort((a, b) => a.meta.cluster.localeCompare(b.meta.cluster))
    .flatMap((snapshot) => discoveredLinks(snapshot, book));
  const meshLinks = links.filter((l) => l.reason.source === 'istio-remote-secret');
  const managementLinks = links.filter((l) => l.reason.source !== 'istio-remote-secret');

  const groups = [
    ...labelledGroups('mesh', MESH_LABEL, all, meshLinks),
    ...labelledGroups('network', NETWORK_LABEL, all, []),
    ...managedGroups(managementLinks),
  ].sort((a, b) => GROUP_KINDS.indexOf(a.kind) - GROUP_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name));
  const grouped = new Set(groups.flatMap((g) => g.members.map((m) => m.cluster)));
  return {
    groups,
    unconnected: all.map((c) => c.name).filter((name) => !grouped.has(name)),
    unreadSources: all.flatMap(({ name }) => {
      const snapshot = bySnapshot.get(name);
      const sections = snapshot ? uncollectedSections(snapshot, DISCOVERY_SECTIONS) : [...DISCOVERY_SECTIONS];
      return sections.length > 0 ? [{ cluster: name, sections }] : [];
    }),
  };
}

/**
 * The groups, of the given kinds, in which two clusters are compared with each other: a mesh or
 * network group holding both, or the managed group of one holding the other.
 */
export function groupsJoining(
  connectivity: Connectivity,
  a: string,
  b: string,
  kinds: readonly GroupKind[] = GROUP_KINDS,
): ConnectedGroup[] {
  return connectivity.groups.filter((group) => {
    if (!kinds.includes(group.kind)) return false;
    const names = group.members.map((m) => m.cluster);
    if (!names.includes(a) || !names.includes(b) || a === b) return false;
    return group.kind !== 'managed' || group.name === a || group.name === b;
  });
}

/** The groups of the given kinds a cluster is in. */
export function groupsOf(connectivity: Connectivity, cluster: string, kinds: readonly GroupKind[]): ConnectedGroup[] {
  return connectivity.groups.filter((g) => kinds.includes(g.kind) && g.members.some((m) => m.cluster === cluster));
}

/**
 * Why the given clusters (default: every member) are in the group: their reasons, each once. In a
 * managed group, the reasons of the managed clusters among them (the manager's are all of its links).
 */
export function connectionReasons(
  group: ConnectedGroup,
  clusters: readonly string[] = group.members.map((m) => m.cluster),
): ConnectionReason[] {
  const chosen = group.members.filter((m) => clusters.includes(m.cluster));
  const members =
    group.kind === 'managed' && chosen.some((m) => m.role === 'member')
      ? chosen.filter((m) => m.role === 'member')
      : chosen;
  const seen = new Set<string>();
  return members.flatMap((m) => m.reasons).filter((reason) => !seen.has(reason.detail) && seen.add(reason.detail));
}

/** How many reasons a message names one by one (the evidence has them all). */
const REASONS_IN_MESSAGE = 2;

const SOURCE_PLURALS: Record<DiscoveredReason['source'], string> = {
  'istio-remote-secret': 'Istio remote secrets',
  'kubefed-cluster': 'KubeFedClusters',
  'argocd-cluster': 'Argo CD clusters',
};

/**
 * The reasons for a message: `label mesh=corp; Istio remote secret istio-system/x on b`. Beyond
 * two, the labels and how many objects of each kind: `label mesh=corp; 2 Istio remote secrets`.
 */
export function describeReasons(reasons: readonly ConnectionReason[]): string {
  const summaries = [...new Set(reasons.map(reasonSummary))];
  if (summaries.length <= REASONS_IN_MESSAGE) return summaries.join('; ');
  const labels = [...new Set(reasons.filter((r) => r.kind === 'declared').map(reasonSummary))];
  const discovered = reasons.filter((r): r is DiscoveredReason => r.kind === 'discovered');
  const counts = Object.entries(SOURCE_PLURALS).flatMap(([source, plural]) => {
    const count = new Set(discovered.filter((r) => r.source === source).map((r) => r.detail)).size;
    if (count === 0) return [];
    return [count === 1 ? reasonSummary(discovered.find((r) => r.source === source)!) : `${count} ${plural}`];
  });
  return [...labels, ...counts].join('; ');
}

/** A finding's evidence of why clusters were compared: the group and every reason in full. */
export function connectionEvidence(
  group: ConnectedGroup,
  clusters?: readonly string[],
): { group: string; kind: GroupKind; reasons: string[] } {
  return { group: group.id, kind: group.kind, reasons: connectionReasons(group, clusters).map((r) => r.detail) };
}
