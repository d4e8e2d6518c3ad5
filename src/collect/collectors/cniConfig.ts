import { at, str } from '../fields.js';
import { KubeReadError, type KubeReader } from '../kube.js';
import { readConfigMapData, readControlPlaneFlag, readKubeadmNetworking, splitRanges } from './clusterConfig.js';
import type { Collector, SnapshotDraft } from './collector.js';

type PodRange = SnapshotDraft['network']['podRanges'][number];

/**
 * Cluster-wide Pod ranges from configuration: kubeadm-config `podSubnet` (else the
 * kube-controller-manager flag `--cluster-cidr`), Flannel's `net-conf.json` (namespace
 * kube-flannel, older kube-system) and Cilium's cluster-pool ranges.
 */
export const cniConfigCollector: Collector = {
  section: 'cniConfig',
  async collect({ reader }, draft) {
    const ranges: PodRange[] = [];
    const podSubnet = (await readKubeadmNetworking(reader))?.podSubnet;
    if (podSubnet) {
      ranges.push(...splitRanges(podSubnet).map((cidr) => ({ cidr, source: 'kubeadm-config' as const })));
    } else {
      // Static pods are a last resort: reading them may be refused without making the section fail.
      const flags = await readControlPlaneFlag(reader, 'kube-controller-manager', 'cluster-cidr').catch(
        (error: unknown) => {
          if (error instanceof KubeReadError && error.state !== 'unreachable') return [];
          throw error;
        },
      );
      ranges.push(...flags.flatMap(splitRanges).map((cidr) => ({ cidr, source: 'controller-manager-flag' as const })));
    }
    ranges.push(...(await flannelRanges(reader)), ...(await ciliumRanges(reader)));
    draft.network.podRanges = ranges;
    return 'ok';
  },
};

async function flannelRanges(reader: KubeReader): Promise<PodRange[]> {
  for (const namespace of ['kube-flannel', 'kube-system']) {
    const data = await readConfigMapData(reader, namespace, 'kube-flannel-cfg');
    const text = data?.['net-conf.json'];
    if (!text) continue;
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch {
      continue;
    }
    const backend = str(at(config, 'Backend', 'Type'));
    return [str(at(config, 'Network')), str(at(config, 'IPv6Network'))]
      .filter((cidr): cidr is string => cidr !== null)
      .map((cidr) => ({ cidr, source: 'flannel' as const, ...(backend ? { detail: `backend ${backend}` } : {}) }));
  }
  return [];
}

async function ciliumRanges(reader: KubeReader): Promise<PodRange[]> {
  const data = await readConfigMapData(reader, 'kube-system', 'cilium-config');
  if (!data) return [];
  const ipam = data['ipam'];
  return ['cluster-pool-ipv4-cidr', 'cluster-pool-ipv6-cidr'].flatMap((key) =>
    splitRanges(data[key] ?? '').map((cidr) => ({
      cidr,
      source: 'cilium' as const,
      ...(ipam ? { detail: `ipam ${ipam}` } : {}),
    })),
  );
}
