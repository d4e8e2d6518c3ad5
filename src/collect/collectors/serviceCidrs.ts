import { at, str, strings } from '../fields.js';
import { KubeReadError } from '../kube.js';
import { readControlPlaneFlag, readKubeadmNetworking, splitRanges } from './clusterConfig.js';
import type { Collector, SnapshotDraft } from './collector.js';

type ServiceCidr = SnapshotDraft['network']['serviceCIDRs'][number];

/**
 * Service ranges from the first source that has them, in this order: the ServiceCIDR API
 * (networking.k8s.io/v1, GA in 1.33), kubeadm-config, the kube-apiserver flag
 * `--service-cluster-ip-range`, and last the `default/kubernetes` Service IP (one address as /32
 * or /128: the range itself is unknown). A source that cannot be read is skipped; the section
 * fails only when no source gave a range and one of them failed.
 */
export const serviceCidrsCollector: Collector = {
  section: 'serviceCidrs',
  async collect({ reader }, draft) {
    const failures: KubeReadError[] = [];
    const attempt = async (source: () => Promise<ServiceCidr[]>): Promise<ServiceCidr[]> => {
      try {
        return await source();
      } catch (error) {
        if (!(error instanceof KubeReadError) || error.state === 'unreachable') throw error;
        // A missing object (no kubernetes Service, say) just means this source has nothing.
        if (error.httpStatus !== 404) failures.push(error);
        return [];
      }
    };
    const sources = [
      async () => {
        const version = await reader.firstServing(
          ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1'],
          'servicecidrs',
        );
        if (version === null) return [];
        const items = await reader.listAll(`/apis/${version}/servicecidrs`);
        return items.flatMap((item) =>
          strings(at(item, 'spec', 'cidrs')).map((cidr) => ({ cidr, source: 'servicecidr-api' as const })),
        );
      },
      async () => {
        const subnet = (await readKubeadmNetworking(reader))?.serviceSubnet;
        return subnet ? splitRanges(subnet).map((cidr) => ({ cidr, source: 'kubeadm-config' as const })) : [];
      },
      async () =>
        (await readControlPlaneFlag(reader, 'kube-apiserver', 'service-cluster-ip-range'))
          .flatMap(splitRanges)
          .map((cidr) => ({ cidr, source: 'apiserver-flag' as const })),
      async () => {
        const service = await reader.getJson('/api/v1/namespaces/default/services/kubernetes');
        const ips = strings(at(service, 'spec', 'clusterIPs'));
        const ip = str(at(service, 'spec', 'clusterIP'));
        return (ips.length > 0 ? ips : ip ? [ip] : []).map((address) => ({
          cidr: `${address}/${address.includes(':') ? 128 : 32}`,
          source: 'kubernetes-service' as const,
        }));
      },
    ];
    for (const source of sources) {
      const found = await attempt(source);
      if (found.length > 0) {
        draft.network.serviceCIDRs = dedupe(found);
        return 'ok';
      }
    }
    if (failures[0]) throw failures[0];
    return 'ok';
  },
};

function dedupe(ranges: ServiceCidr[]): ServiceCidr[] {
  const seen = new Set<string>();
  return ranges.filter((r) => {
    if (seen.has(r.cidr)) return false;
    seen.add(r.cidr);
    return true;
  });
}
