/**
 * The address ranges a cluster uses (Pods, Services, Calico IP pools), reduced to the widest ones:
 * a node's Pod CIDR inside the cluster's Pod range or IP pool says nothing more about overlaps.
 */
import type { SectionName, Snapshot } from '../snapshot/schema.js';
import { type CidrRange, containsCidr, parseCidr } from './cidr.js';
import { isCollected } from './sections.js';

export interface LabelledRange {
  /** e.g. IPPool/inter-cluster-pool, PodCIDR/10.244.0.0/16, ServiceCIDR/10.96.0.0/12, Node/node-1 */
  resource: string;
  kind: 'ippool' | 'pod' | 'service' | 'node';
  range: CidrRange;
}

export const NETWORK_SECTIONS: readonly SectionName[] = ['nodes', 'serviceCidrs', 'ipPools', 'cniConfig'];

/** Order of preference when two ranges of one cluster are identical: the most telling name wins. */
const PREFERENCE: Record<LabelledRange['kind'], number> = { ippool: 0, pod: 1, service: 2, node: 3 };

export function clusterRanges(snapshot: Snapshot): LabelledRange[] {
  const all: LabelledRange[] = [];
  const add = (resource: string, kind: LabelledRange['kind'], text: string): void => {
    const range = parseCidr(text);
    if (range) all.push({ resource, kind, range });
  };
  const { network } = snapshot;
  if (isCollected(snapshot, 'ipPools'))
    for (const pool of network.ipPools) add(`IPPool/${pool.name}`, 'ippool', pool.cidr);
  if (isCollected(snapshot, 'cniConfig')) {
    for (const pod of network.podRanges) add(`PodCIDR/${parseCidr(pod.cidr)?.cidr ?? pod.cidr}`, 'pod', pod.cidr);
  }
  if (isCollected(snapshot, 'serviceCidrs')) {
    for (const service of network.serviceCIDRs) {
      add(`ServiceCIDR/${parseCidr(service.cidr)?.cidr ?? service.cidr}`, 'service', service.cidr);
    }
  }
  if (isCollected(snapshot, 'nodes')) {
    for (const node of network.nodes) for (const cidr of node.podCIDRs) add(`Node/${node.name}`, 'node', cidr);
  }
  all.sort((a, b) => PREFERENCE[a.kind] - PREFERENCE[b.kind] || a.resource.localeCompare(b.resource));
  const kept: LabelledRange[] = [];
  for (const candidate of all) {
    if (kept.some((range) => containsCidr(range.range, candidate.range))) continue;
    // A wider range seen later replaces the narrower ones it contains.
    for (let i = kept.length - 1; i >= 0; i--) {
      if (containsCidr(candidate.range, kept[i]!.range)) kept.splice(i, 1);
    }
    kept.push(candidate);
  }
  return kept;
}
