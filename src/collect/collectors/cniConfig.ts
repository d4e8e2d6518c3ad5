import { at, str } from '../fields.js';
import type { KubeReader } from '../kube.js';
import {
  configMapSource,
  controlPlaneFlagSource,
  KUBEADM_CONFIG_SOURCE,
  readConfigMapData,
  readControlPlaneFlag,
  readKubeadmNetworking,
  splitRanges,
} from './clusterConfig.js';
import type { Collector, CollectorContext, SnapshotDraft } from './collector.js';

type PodRange = SnapshotDraft['network']['podRanges'][number];

/**
 * Cluster-wide Pod ranges from configuration: kubeadm-config `podSubnet` (else the
 * kube-controller-manager flag `--cluster-cidr`), Flannel's `net-conf.json` (namespace
 * kube-flannel, older kube-system) and Cilium's cluster-pool ranges. Each ConfigMap is a source
 * of its own: one that cannot be read leaves the ranges of the others in the snapshot.
 */
export const cniConfigCollector: Collector = {
  section: 'cniConfig',
  async collect({ reader, source }, draft) {
    const ranges: PodRange[] = [];
    const podSubnet = (await source(KUBEADM_CONFIG_SOURCE, () => readKubeadmNetworking(reader)))?.podSubnet;
    if (podSubnet) {
      ranges.push(...splitRanges(podSubnet).map((cidr) => ({ cidr, source: 'kubeadm-config' as const })));
    } else {
      const flags = await source(controlPlaneFlagSource('kube-controller-manager', 'cluster-cidr'), () =>
        readControlPlaneFlag(reader, 'kube-controller-manager', 'cluster-cidr'),
      );
      ranges.push(
        ...(flags ?? []).flatMap(splitRanges).map((cidr) => ({ cidr, source: 'controller-manager-flag' as const })),
      );
    }
    ranges.push(...(await flannelRanges(reader, source)), ...(await ciliumRanges(reader, source)));
    draft.network.podRanges = ranges;
    return 'ok';
  },
};

async function flannelRanges(reader: KubeReader, source: CollectorContext['source']): Promise<PodRange[]> {
  for (const namespace of ['kube-flannel', 'kube-system']) {
    const data = await source(configMapSource(namespace, 'kube-flannel-cfg'), () =>
      readConfigMapData(reader, namespace, 'kube-flannel-cfg'),
    );
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

async function ciliumRanges(reader: KubeReader, source: CollectorContext['source']): Promise<PodRange[]> {
  const data = await source(configMapSource('kube-system', 'cilium-config'), () =>
    readConfigMapData(reader, 'kube-system', 'cilium-config'),
  );
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
