/**
 * Well-known platform namespaces: the namespaces that Kubernetes and common add-ons create in
 * their default installs. The tenant-hygiene rules (rules marked `tenantHygiene`: QUOTA-MISSING,
 * LIMITRANGE-MISSING, NETPOL-NO-DEFAULT-DENY, MTLS-NOT-STRICT) skip them, on top of
 * `excludeNamespaces`: those rules ask whether each team's namespace is fenced in, and an
 * add-on's own namespace is not a team's. Without this list the first report of a typical fleet
 * is mostly findings nobody will act on (istio-system has no ResourceQuota ...), which teaches
 * readers to skim past the real ones. What is skipped is never hidden: the report lists every
 * skipped namespace of every cluster and the entry that matched it (see namespaceSkips.ts).
 *
 * Every entry is what the project's own default install (manifest, operator or the Helm command
 * its documentation gives) creates; add-ons that install into a namespace the user chooses
 * without a documented default are not listed. `monitoring` is deliberately not listed: it is
 * kube-prometheus's default, but a name that generic often belongs to a team.
 *
 * `default` is listed. Kubernetes creates it in every cluster, and a tenant should not run there
 * (CIS Kubernetes Benchmark 5.7.4). fleetledger reads no workloads, so it cannot tell an empty
 * `default` from a used one; checking it would report the same empty namespace on every cluster
 * every week. Fleets whose tenants do deploy to `default`, or that want it fenced in as a trap,
 * check it with `rules.checkPlatformNamespaces: [default]`.
 *
 * The fleet file (`rules:`) can replace the list (`platformNamespaces`), extend it
 * (`extraPlatformNamespaces`) and check single entries anyway (`checkPlatformNamespaces`).
 */
import picomatch from 'picomatch';
import type { RuleThresholds } from './thresholds.js';

export interface BuiltInPlatformNamespace {
  /** A namespace name, or a glob for a prefix the add-on reserves. */
  readonly namespace: string;
  /** The project that creates it. */
  readonly addOn: string;
}

/** Exact names first: the first matching entry names the add-on (kube-flannel is Flannel's, not just `kube-*`). */
export const BUILT_IN_PLATFORM_NAMESPACES: readonly BuiltInPlatformNamespace[] = [
  { namespace: 'default', addOn: 'Kubernetes' },
  { namespace: 'kube-system', addOn: 'Kubernetes' },
  { namespace: 'kube-public', addOn: 'Kubernetes' },
  { namespace: 'kube-node-lease', addOn: 'Kubernetes' },
  { namespace: 'istio-system', addOn: 'Istio' },
  { namespace: 'istio-ingress', addOn: 'Istio (ingress gateway chart)' },
  { namespace: 'linkerd', addOn: 'Linkerd' },
  { namespace: 'linkerd-viz', addOn: 'Linkerd (viz extension)' },
  { namespace: 'tigera-operator', addOn: 'Calico (Tigera operator)' },
  { namespace: 'calico-system', addOn: 'Calico (Tigera operator)' },
  { namespace: 'calico-apiserver', addOn: 'Calico (API server)' },
  { namespace: 'kube-flannel', addOn: 'Flannel' },
  { namespace: 'cilium-secrets', addOn: 'Cilium' },
  { namespace: 'metallb-system', addOn: 'MetalLB' },
  { namespace: 'ingress-nginx', addOn: 'ingress-nginx' },
  { namespace: 'nginx-gateway', addOn: 'NGINX Gateway Fabric' },
  { namespace: 'envoy-gateway-system', addOn: 'Envoy Gateway' },
  { namespace: 'projectcontour', addOn: 'Contour' },
  { namespace: 'cert-manager', addOn: 'cert-manager' },
  { namespace: 'external-secrets', addOn: 'External Secrets Operator' },
  { namespace: 'gatekeeper-system', addOn: 'OPA Gatekeeper' },
  { namespace: 'kyverno', addOn: 'Kyverno' },
  { namespace: 'falco', addOn: 'Falco' },
  { namespace: 'trivy-system', addOn: 'Trivy Operator' },
  { namespace: 'kubescape', addOn: 'Kubescape' },
  { namespace: 'argocd', addOn: 'Argo CD' },
  { namespace: 'argo-rollouts', addOn: 'Argo Rollouts' },
  { namespace: 'argo', addOn: 'Argo Workflows' },
  { namespace: 'flux-system', addOn: 'Flux' },
  { namespace: 'tekton-pipelines', addOn: 'Tekton' },
  { namespace: 'tekton-pipelines-resolvers', addOn: 'Tekton' },
  { namespace: 'crossplane-system', addOn: 'Crossplane' },
  { namespace: 'kube-federation-system', addOn: 'KubeFed' },
  { namespace: 'karmada-system', addOn: 'Karmada' },
  { namespace: 'elastic-system', addOn: 'Elastic Cloud on Kubernetes (ECK)' },
  { namespace: 'opentelemetry-operator-system', addOn: 'OpenTelemetry Operator' },
  { namespace: 'keda', addOn: 'KEDA' },
  { namespace: 'knative-serving', addOn: 'Knative Serving' },
  { namespace: 'knative-eventing', addOn: 'Knative Eventing' },
  { namespace: 'velero', addOn: 'Velero' },
  { namespace: 'longhorn-system', addOn: 'Longhorn' },
  { namespace: 'rook-ceph', addOn: 'Rook' },
  { namespace: 'local-path-storage', addOn: 'local-path-provisioner (kind)' },
  { namespace: 'kubernetes-dashboard', addOn: 'Kubernetes Dashboard' },
  { namespace: 'olm', addOn: 'Operator Lifecycle Manager' },
  { namespace: 'operators', addOn: 'Operator Lifecycle Manager' },
  { namespace: 'cattle-*', addOn: 'Rancher' },
  { namespace: 'openshift', addOn: 'OpenShift' },
  { namespace: 'openshift-*', addOn: 'OpenShift' },
  // Kubernetes reserves the prefix for system namespaces; after the exact names above so they keep their add-on.
  { namespace: 'kube-*', addOn: 'Kubernetes (reserved prefix)' },
];

/** Where an effective platform namespace entry comes from. */
export type PlatformNamespaceSource = 'built-in' | 'rules.platformNamespaces' | 'rules.extraPlatformNamespaces';

export interface PlatformNamespace {
  /** A namespace name or glob. */
  readonly pattern: string;
  /** The add-on of the built-in entry with this pattern; null for a pattern only the fleet file names. */
  readonly addOn: string | null;
  readonly source: PlatformNamespaceSource;
}

/** The settings that decide the list (the `rules:` keys of the fleet file). */
export type PlatformNamespaceSettings = Pick<RuleThresholds, 'platformNamespaces' | 'extraPlatformNamespaces'>;

const builtInAddOn = new Map(BUILT_IN_PLATFORM_NAMESPACES.map((entry) => [entry.namespace, entry.addOn]));

/**
 * The effective platform namespace list: the built-in one (or `platformNamespaces`, which
 * replaces it) followed by `extraPlatformNamespaces`, in that order, without repeats.
 *
 * @example
 * platformNamespacesOf(RuleThresholds.parse({ extraPlatformNamespaces: ['observability'] })).at(-1)
 * // { pattern: 'observability', addOn: null, source: 'rules.extraPlatformNamespaces' }
 */
export function platformNamespacesOf(settings: Partial<PlatformNamespaceSettings>): PlatformNamespace[] {
  const base: PlatformNamespace[] =
    settings.platformNamespaces === undefined
      ? BUILT_IN_PLATFORM_NAMESPACES.map((entry) => ({
          pattern: entry.namespace,
          addOn: entry.addOn,
          source: 'built-in',
        }))
      : settings.platformNamespaces.map((pattern) => ({
          pattern,
          addOn: builtInAddOn.get(pattern) ?? null,
          source: 'rules.platformNamespaces',
        }));
  const extra: PlatformNamespace[] = (settings.extraPlatformNamespaces ?? []).map((pattern) => ({
    pattern,
    addOn: builtInAddOn.get(pattern) ?? null,
    source: 'rules.extraPlatformNamespaces',
  }));
  const byPattern = new Map<string, PlatformNamespace>();
  for (const entry of [...base, ...extra]) if (!byPattern.has(entry.pattern)) byPattern.set(entry.pattern, entry);
  return [...byPattern.values()];
}

/** The first entry of the list that matches the namespace, or undefined. */
export function platformEntryOf(
  list: readonly PlatformNamespace[],
): (namespace: string) => PlatformNamespace | undefined {
  // Most entries are plain names, looked up at once; only the few globs (kube-*, ...) are matched,
  // so a cluster with 50,000 namespaces is not matched 50 patterns a namespace for every rule.
  const names = new Map<string, number>();
  const globs: { index: number; matches: (namespace: string) => boolean }[] = [];
  list.forEach((entry, index) => {
    if (picomatch.scan(entry.pattern).isGlob) globs.push({ index, matches: picomatch(entry.pattern, { dot: true }) });
    else if (!names.has(entry.pattern)) names.set(entry.pattern, index);
  });
  return (namespace) => {
    const named = names.get(namespace);
    const glob = globs.find(({ index, matches }) => (named === undefined || index < named) && matches(namespace));
    const index = glob?.index ?? named;
    return index === undefined ? undefined : list[index];
  };
}

/** The built-in list as a Markdown table (README.md, `npm run docs`). */
export function renderPlatformNamespacesMarkdown(): string {
  const byAddOn = new Map<string, string[]>();
  for (const { namespace, addOn } of BUILT_IN_PLATFORM_NAMESPACES) {
    byAddOn.set(addOn, [...(byAddOn.get(addOn) ?? []), namespace]);
  }
  return [
    '| Add-on | Namespaces |',
    '| --- | --- |',
    ...[...byAddOn].map(([addOn, names]) => `| ${addOn} | ${names.map((name) => `\`${name}\``).join(', ')} |`),
  ].join('\n');
}
