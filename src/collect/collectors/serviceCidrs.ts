import { at, str, strings } from '../fields.js';
import type { SourceSpec } from '../sources.js';
import {
  controlPlaneFlagSource,
  KUBEADM_CONFIG_SOURCE,
  readControlPlaneFlag,
  readKubeadmNetworking,
  splitRanges,
} from './clusterConfig.js';
import type { Collector, SnapshotDraft } from './collector.js';

type ServiceCidr = SnapshotDraft['network']['serviceCIDRs'][number];

/**
 * Service ranges from the first source that has them, in this order: the ServiceCIDR API
 * (networking.k8s.io/v1, GA in 1.33), kubeadm-config, the kube-apiserver flag
 * `--service-cluster-ip-range`, and last the `default/kubernetes` Service IP (one address as /32
 * or /128: the range itself is unknown). Each source tried is recorded; one that could not be read
 * before the one that answered makes the section partial (it might have named more ranges).
 */
export const serviceCidrsCollector: Collector = {
  section: 'serviceCidrs',
  async collect({ reader, source }, draft) {
    const sources: [SourceSpec, () => Promise<ServiceCidr[] | null>][] = [
      [
        { source: 'ServiceCIDRs', request: 'GET /apis/networking.k8s.io/v1/servicecidrs (or v1beta1)' },
        async () => {
          const version = await reader.firstServing(
            ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1'],
            'servicecidrs',
          );
          if (version === null) return null;
          const items = await reader.listAll(`/apis/${version}/servicecidrs`);
          return items.flatMap((item) =>
            strings(at(item, 'spec', 'cidrs')).map((cidr) => ({ cidr, source: 'servicecidr-api' as const })),
          );
        },
      ],
      [
        KUBEADM_CONFIG_SOURCE,
        async () => {
          const networking = await readKubeadmNetworking(reader);
          if (networking === null) return null;
          const subnet = networking.serviceSubnet;
          return subnet ? splitRanges(subnet).map((cidr) => ({ cidr, source: 'kubeadm-config' as const })) : [];
        },
      ],
      [
        controlPlaneFlagSource('kube-apiserver', 'service-cluster-ip-range'),
        async () =>
          (await readControlPlaneFlag(reader, 'kube-apiserver', 'service-cluster-ip-range'))
            .flatMap(splitRanges)
            .map((cidr) => ({ cidr, source: 'apiserver-flag' as const })),
      ],
      [
        { source: 'Service default/kubernetes', request: 'GET /api/v1/namespaces/default/services/kubernetes' },
        async () => {
          const service = await reader.getJson('/api/v1/namespaces/default/services/kubernetes');
          const ips = strings(at(service, 'spec', 'clusterIPs'));
          const ip = str(at(service, 'spec', 'clusterIP'));
          return (ips.length > 0 ? ips : ip ? [ip] : []).map((address) => ({
            cidr: `${address}/${address.includes(':') ? 128 : 32}`,
            source: 'kubernetes-service' as const,
          }));
        },
      ],
    ];
    for (const [spec, read] of sources) {
      const found = await source(spec, read);
      if (found && found.length > 0) {
        draft.network.serviceCIDRs = dedupe(found);
        break;
      }
    }
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
