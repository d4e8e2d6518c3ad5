/**
 * Which snapshot sections a custom rule reads, from the `snapshot.<a>.<b>` paths of its
 * expressions, so it is gated like a built-in rule: a section not collected makes its checks not
 * evaluated, an absent one (the API not installed) makes none.
 */
import { SECTION_NAMES, type SectionName } from '../snapshot/schema.js';

const BY_PATH: Readonly<Record<string, readonly SectionName[]>> = {
  namespaces: ['namespaces'],
  'quotas.resourceQuotas': ['resourceQuotas'],
  'quotas.limitRanges': ['limitRanges'],
  'policies.gatekeeper': ['gatekeeper'],
  'policies.kyverno': ['kyverno'],
  'policies.networkPolicies': ['networkPolicies'],
  'policies.istio': ['istio'],
  'network.nodes': ['nodes'],
  'network.serviceCIDRs': ['serviceCidrs'],
  'network.podRanges': ['cniConfig'],
  'network.ipPools': ['ipPools'],
  'certificates.bundles': ['tlsSecrets', 'istioCa'],
  'certificates.certManager': ['certManager'],
  'certificates.istioRootFingerprints': ['istioCa'],
  'gitops.installed': ['argocdApplications'],
  'gitops.applications': ['argocdApplications'],
  'gitops.controllers': ['argocdApplications'],
  'gitops.applicationSets': ['argocdApplicationSets'],
  'gitops.clusters': ['argocdClusters'],
  'federation.kubefedInstalled': ['kubefed'],
  'federation.kubefedClusters': ['kubefed'],
  'federation.istioRemoteClusters': ['istioRemoteSecrets'],
  'federation.istioRemotes': ['istioRemoteSecrets'],
};

/** The sections behind paths such as `namespaces`, `policies.gatekeeper`; `meta` needs none; an unknown part: all under it. */
export function sectionsOfPaths(paths: readonly string[]): SectionName[] {
  const sections = new Set<SectionName>();
  for (const path of paths) {
    if (path === 'meta' || path.startsWith('meta.') || path === 'schemaVersion') continue;
    const known = BY_PATH[path];
    if (known) {
      for (const section of known) sections.add(section);
      continue;
    }
    // `snapshot.quotas` as a whole, or a path this table does not know: every section under it.
    const prefix = path.split('.')[0] ?? '';
    const under = Object.entries(BY_PATH).filter(([key]) => key === prefix || key.startsWith(`${prefix}.`));
    for (const [, names] of under) for (const section of names) sections.add(section);
  }
  return SECTION_NAMES.filter((section) => sections.has(section));
}
